package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class GroupStateSerializerTest {

  private static final GroupStateSerializer SERIALIZER = GroupStateSerializer.INSTANCE;

  private static Transaction tx(String id, String merchant, String amount, long millis) {
    return new Transaction(
        id,
        "acc-1",
        new BigDecimal(amount),
        "EUR",
        merchant,
        "food",
        "FR",
        Instant.ofEpochMilli(millis));
  }

  private static GroupState sample() {
    List<Transaction> pending = new ArrayList<>(List.of(tx("tx-9", "Café \u4e2d", "12.50", 9_000)));
    List<Transaction> held =
        new ArrayList<>(
            List.of(
                tx("tx-1", "Bäckerei", "5000.01", 1_000),
                tx("tx-2", "m2", "123456789012345678901234567890.1", 2_000)));
    return new GroupState(pending, held);
  }

  @Test
  void roundTripsPendingAndHeldTransactions() throws IOException {
    GroupState state = sample();
    DataOutputSerializer out = new DataOutputSerializer(64);
    SERIALIZER.serialize(state, out);
    SERIALIZER.serialize(new GroupState(), out);

    DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
    GroupState read = SERIALIZER.deserialize(in);
    assertThat(read.pending).isEqualTo(state.pending);
    assertThat(read.held).isEqualTo(state.held);
    assertThat(SERIALIZER.deserialize(in).isEmpty()).isTrue();
    assertThat(in.available()).isZero();
  }

  @Test
  void aCopySharesNothingThatAChangeInPlaceCouldReach() {
    GroupState state = sample();
    GroupState copy = SERIALIZER.copy(state);

    state.pending.clear();
    state.held.remove(0);

    assertThat(copy.pending).hasSize(1);
    assertThat(copy.held).hasSize(2);
  }
}
