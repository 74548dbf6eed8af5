package io.fraudpipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.job.source.TransactionTimestamps;
import io.fraudpipeline.model.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class TransactionDeserializerTest {

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
        TransactionDeserializer.parse(
            record(
                "{\"transaction_id\":\"t1\",\"amount\":12.5,\"timestamp\":\"2024-01-01T00:00:00Z\"}",
                1_000L));
    assertThat(parsed).isInstanceOf(ParsedRecord.Accepted.class);
    Transaction tx = ((ParsedRecord.Accepted) parsed).transaction();
    assertThat(tx.transactionId()).isEqualTo("t1");
    assertThat(new TransactionTimestamps().extractTimestamp(parsed, 1_000L))
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void takesTheKafkaTimestampWhenTheTransactionHasNone() {
    ParsedRecord parsed =
        TransactionDeserializer.parse(
            record("{\"transaction_id\":\"t1\",\"amount\":1}", 1_700_000_000_000L));
    Transaction tx = ((ParsedRecord.Accepted) parsed).transaction();
    assertThat(tx.timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(new TransactionTimestamps().extractTimestamp(parsed, 5L))
        .isEqualTo(1_700_000_000_000L);
  }

  @Test
  void rejectsWithTheOriginalBytesReasonAndSource() {
    String value = "{\"transaction_id\":\"t1\",\"amount\":-3}";
    ParsedRecord parsed = TransactionDeserializer.parse(record(value, 77L));
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
    ParsedRecord parsed = TransactionDeserializer.parse(record("nope", 99L));
    assertThat(new TransactionTimestamps().extractTimestamp(parsed, 99L)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aNullValueIsRejectedNotThrown() {
    ParsedRecord parsed = TransactionDeserializer.parse(record(null, 1L));
    assertThat(((ParsedRecord.Rejected) parsed).deadLetter().reason()).isEqualTo("empty record");
  }
}
