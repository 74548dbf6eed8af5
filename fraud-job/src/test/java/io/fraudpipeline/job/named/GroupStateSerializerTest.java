package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.serde.TransactionSerializer;
import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
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

  private static final List<Transaction> HELD =
      List.of(
          tx("tx-1", "Bäckerei", "5000.01", 1_000),
          tx("tx-2", "m2", "123456789012345678901234567890.1", 2_000));

  private static GroupState sample() {
    List<Transaction> pending = new ArrayList<>(List.of(tx("tx-9", "Café \u4e2d", "12.50", 9_000)));
    return new GroupState(pending, HeldTransactions.of(HELD));
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
    assertThat(read.held.text(io.fraudpipeline.model.TransactionField.MERCHANT, 0))
        .isEqualTo("Bäckerei");
    assertThat(SERIALIZER.deserialize(in).isEmpty()).isTrue();
    assertThat(in.available()).isZero();
  }

  @Test
  void aCopySharesNothingThatAChangeInPlaceCouldReach() {
    GroupState state = sample();
    GroupState copy = SERIALIZER.copy(state);

    state.pending.clear();
    state.held.evictUpTo(1_000);
    state.held.insert(tx("tx-3", "m3", "1", 3_000));

    assertThat(copy.pending).hasSize(1);
    assertThat(copy.held).isEqualTo(HeldTransactions.of(HELD));
  }

  /** The form before columns: every held transaction written whole, like the pending ones. */
  private static byte[] previousForm(List<Transaction> pending, List<Transaction> held)
      throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (List<Transaction> list : List.of(pending, held)) {
      out.writeInt(list.size());
      for (Transaction tx : list) {
        TransactionSerializer.INSTANCE.serialize(tx, out);
      }
    }
    return out.getCopyOfBuffer();
  }

  @Test
  void restoresStateThatTheBuildBeforeColumnsWroteAndMigratesIt() throws IOException {
    // What a savepoint of that build holds for the serializer: Flink's SimpleTypeSerializerSnapshot
    // (version 3, no payload) under this class name.
    DataOutputSerializer snapshotBytes = new DataOutputSerializer(64);
    snapshotBytes.writeUTF(GroupStateSerializer.Snapshot.class.getName());
    snapshotBytes.writeInt(3);
    TypeSerializerSnapshot<GroupState> old =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()),
            getClass().getClassLoader());

    TypeSerializerSchemaCompatibility<GroupState> compatibility =
        SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(old);
    assertThat(compatibility.isCompatibleAfterMigration()).isTrue();

    TypeSerializer<GroupState> reader = old.restoreSerializer();
    List<Transaction> pending = List.of(tx("tx-9", "m9", "12.50", 9_000));
    GroupState read = reader.deserialize(new DataInputDeserializer(previousForm(pending, HELD)));
    assertThat(read.pending).isEqualTo(pending);
    assertThat(read.held).isEqualTo(HeldTransactions.of(HELD));
  }

  @Test
  void stateWrittenInTheCurrentFormRestoresAsIs() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
    TypeSerializerSnapshot<GroupState> written =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

    assertThat(
            SERIALIZER
                .snapshotConfiguration()
                .resolveSchemaCompatibility(written)
                .isCompatibleAsIs())
        .isTrue();
    assertThat(written.restoreSerializer()).isSameAs(SERIALIZER);
  }
}
