package io.fraudpipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.job.source.TransactionTimestamps;
import io.fraudpipeline.model.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class TransactionDeserializerTest {

  private static final TransactionDeserializer DESERIALIZER =
      new TransactionDeserializer(Duration.ofHours(1));

  private static final long JAN_1_2024 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();

  private static ConsumerRecord<byte[], byte[]> record(String value, long kafkaTimestamp) {
    return new ConsumerRecord<>(
        "transactions",
        3,
        42L,
        kafkaTimestamp,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME,
        0,
        value == null ? 0 : value.length(),
        "acc".getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.empty());
  }

  @Test
  void acceptsAValidTransactionAndKeepsItsOwnTimestampAsEventTime() {
    ParsedRecord parsed =
        DESERIALIZER.parse(
            record(
                "{\"transaction_id\":\"t1\",\"amount\":12.5,\"timestamp\":\"2024-01-01T00:00:00Z\"}",
                JAN_1_2024 + 5_000));
    assertThat(parsed).isInstanceOf(ParsedRecord.Accepted.class);
    Transaction tx = ((ParsedRecord.Accepted) parsed).transaction();
    assertThat(tx.transactionId()).isEqualTo("t1");
    assertThat(new TransactionTimestamps().extractTimestamp(parsed, 1_000L))
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void takesTheKafkaTimestampWhenTheTransactionHasNone() {
    ParsedRecord parsed =
        DESERIALIZER.parse(record("{\"transaction_id\":\"t1\",\"amount\":1}", 1_700_000_000_000L));
    Transaction tx = ((ParsedRecord.Accepted) parsed).transaction();
    assertThat(tx.timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(new TransactionTimestamps().extractTimestamp(parsed, 5L))
        .isEqualTo(1_700_000_000_000L);
  }

  @Test
  void rejectsWithTheOriginalBytesReasonAndSource() {
    String value = "{\"transaction_id\":\"t1\",\"amount\":-3}";
    ParsedRecord parsed = DESERIALIZER.parse(record(value, 77L));
    assertThat(parsed).isInstanceOf(ParsedRecord.Rejected.class);
    DeadLetter letter = ((ParsedRecord.Rejected) parsed).deadLetter();
    assertThat(letter.value()).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    assertThat(letter.key()).isEqualTo("acc".getBytes(StandardCharsets.UTF_8));
    assertThat(letter.reason()).isEqualTo("amount must be greater than 0, got -3");
    assertThat(letter.topic()).isEqualTo("transactions");
    assertThat(letter.partition()).isEqualTo(3);
    assertThat(letter.offset()).isEqualTo(42L);
    assertThat(letter.timestamp()).isEqualTo(77L);
  }

  @Test
  void rejectedRecordsDoNotMoveEventTime() {
    ParsedRecord parsed = DESERIALIZER.parse(record("nope", 99L));
    assertThat(new TransactionTimestamps().extractTimestamp(parsed, 99L)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aNullValueIsRejectedNotThrown() {
    ParsedRecord parsed = DESERIALIZER.parse(record(null, 1L));
    assertThat(((ParsedRecord.Rejected) parsed).deadLetter().reason()).isEqualTo("empty record");
  }

  private static String datedTransaction(String timestamp) {
    return "{\"transaction_id\":\"t1\",\"amount\":1,\"timestamp\":\"" + timestamp + "\"}";
  }

  @Test
  void rejectsATransactionDatedFurtherAheadOfItsKafkaRecordThanTheAllowedSkew() {
    ParsedRecord parsed =
        DESERIALIZER.parse(record(datedTransaction("2024-01-01T01:00:01Z"), JAN_1_2024));

    assertThat(((ParsedRecord.Rejected) parsed).deadLetter().reason())
        .isEqualTo(
            "timestamp 2024-01-01T01:00:01Z is 3601 s ahead of the Kafka record's own timestamp"
                + " 2024-01-01T00:00:00Z (at most 3600 s allowed, --max-future-skew)");
    assertThat(new TransactionTimestamps().extractTimestamp(parsed, JAN_1_2024))
        .isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void acceptsTransactionsWithinTheSkewAndAnyPastTimestamp() {
    assertThat(DESERIALIZER.parse(record(datedTransaction("2024-01-01T01:00:00Z"), JAN_1_2024)))
        .isInstanceOf(ParsedRecord.Accepted.class);
    assertThat(DESERIALIZER.parse(record(datedTransaction("1999-01-01T00:00:00Z"), JAN_1_2024)))
        .isInstanceOf(ParsedRecord.Accepted.class);
  }

  @Test
  void acceptsAnyFutureTimestampWhenTheCheckIsOffOrTheRecordHasNoTimestamp() {
    String farFuture = datedTransaction("9999-12-31T00:00:00Z");
    assertThat(new TransactionDeserializer(Duration.ZERO).parse(record(farFuture, JAN_1_2024)))
        .isInstanceOf(ParsedRecord.Accepted.class);
    assertThat(DESERIALIZER.parse(record(farFuture, -1L)))
        .isInstanceOf(ParsedRecord.Accepted.class);
  }
}
