package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class GroupStateSerializerTest {

  private static final GroupStateSerializer SERIALIZER = GroupStateSerializer.INSTANCE;

  private static GroupState sample() {
    List<Transaction> pending = new ArrayList<>();
    pending.add(
        new Transaction(
            "tx-9",
            "acc-1",
            new BigDecimal("12.50"),
            "EUR",
            "Café \u4e2d",
            "food",
            "FR",
            Instant.parse("2025-01-02T03:04:05.123Z")));
    Map<String, List<WindowEntry>> windows = new HashMap<>();
    windows.put(
        "hourly-total",
        new ArrayList<>(
            List.of(
                new WindowEntry(1_000, "tx-1", new BigDecimal("5000.01"), null),
                new WindowEntry(
                    2_000, "tx-2", new BigDecimal("123456789012345678901234567890.1"), null))));
    windows.put(
        "many-merchants",
        new ArrayList<>(List.of(new WindowEntry(1_000, "tx-1", null, "Bäckerei"))));
    windows.put("burst", new ArrayList<>(List.of(new WindowEntry(3_000, "tx-3", null, null))));
    return new GroupState(pending, windows);
  }

  @Test
  void roundTripsPendingTransactionsAndEveryKindOfWindowEntry() throws IOException {
    GroupState state = sample();
    DataOutputSerializer out = new DataOutputSerializer(64);
    SERIALIZER.serialize(state, out);
    SERIALIZER.serialize(new GroupState(), out);

    DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
    GroupState read = SERIALIZER.deserialize(in);
    assertThat(read.pending).isEqualTo(state.pending);
    assertThat(read.windows).isEqualTo(state.windows);
    assertThat(SERIALIZER.deserialize(in).isEmpty()).isTrue();
    assertThat(in.available()).isZero();
  }

  @Test
  void aCopySharesNothingThatAChangeInPlaceCouldReach() {
    GroupState state = sample();
    GroupState copy = SERIALIZER.copy(state);

    state.pending.clear();
    state.windows.get("hourly-total").remove(0);
    state.windows.remove("burst");

    assertThat(copy.pending).hasSize(1);
    assertThat(copy.windows.get("hourly-total")).hasSize(2);
    assertThat(copy.windows).containsKey("burst");
  }
}
