package io.fraudpipeline.job.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class TransactionSerializerTest {

  private static final TransactionSerializer SERIALIZER = TransactionSerializer.INSTANCE;

  @Test
  void roundTripsEveryFieldIncludingNullsAndHugeAmounts() throws IOException {
    Transaction full =
        new Transaction(
            "tx-1",
            "acc-\u00e9\u4e2d\uD83D\uDE00 lone \uD800",
            new BigDecimal("1234.5600"),
            "EUR",
            "Shop",
            "electronics",
            "FR",
            Instant.parse("2025-01-02T03:04:05.123456789Z"));
    Transaction sparse = new Transaction("tx-2", null, null, null, null, null, null, null);
    Transaction lastMillisecond = full.withTimestamp(Instant.parse("9999-12-31T23:59:59.999Z"));
    Transaction bigAmount =
        new Transaction(
            "tx-3",
            "a",
            new BigDecimal("123456789012345678901234567890.123"),
            null,
            null,
            null,
            null,
            null);
    Transaction negativeScale =
        new Transaction("tx-4", "a", new BigDecimal("1E+3"), null, null, null, null, null);

    DataOutputSerializer out = new DataOutputSerializer(64);
    for (Transaction tx :
        new Transaction[] {full, sparse, lastMillisecond, bigAmount, negativeScale}) {
      SERIALIZER.serialize(tx, out);
    }
    DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
    assertThat(SERIALIZER.deserialize(in)).isEqualTo(full);
    assertThat(SERIALIZER.deserialize(in)).isEqualTo(sparse);
    assertThat(SERIALIZER.deserialize(in)).isEqualTo(lastMillisecond);
    assertThat(SERIALIZER.deserialize(in)).isEqualTo(bigAmount);
    assertThat(SERIALIZER.deserialize(in)).isEqualTo(negativeScale);
    assertThat(in.available()).isZero();
  }

  @Test
  void copiesSerializedRecordsBetweenViews() throws IOException {
    Transaction tx =
        new Transaction("t", "a", new BigDecimal("5000.01"), "USD", "m", "travel", "US", null);
    DataOutputSerializer first = new DataOutputSerializer(64);
    SERIALIZER.serialize(tx, first);
    DataOutputSerializer second = new DataOutputSerializer(64);
    SERIALIZER.copy(new DataInputDeserializer(first.getCopyOfBuffer()), second);
    assertThat(SERIALIZER.deserialize(new DataInputDeserializer(second.getCopyOfBuffer())))
        .isEqualTo(tx);
  }

  @Test
  void restoresItselfFromItsSnapshot() throws IOException {
    TypeSerializerSnapshot<Transaction> snapshot = SERIALIZER.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    TypeSerializerSnapshot<Transaction> read =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    TypeSerializer<Transaction> restored = read.restoreSerializer();
    assertThat(restored).isEqualTo(SERIALIZER);
    assertThat(
            SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs())
        .isTrue();
  }
}
