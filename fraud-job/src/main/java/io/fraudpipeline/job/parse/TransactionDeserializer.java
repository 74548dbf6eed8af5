package io.fraudpipeline.job.parse;

import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.job.source.KafkaClientClasses;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.Transaction;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses each record of the transactions topic with the wire contract's codec, in the source
 * itself, so that the source can take event time from the transaction and keep watermarks per
 * partition. Never throws: whatever does not parse becomes a {@link ParsedRecord.Rejected}.
 *
 * <p>A transaction dated further ahead of its Kafka record's own timestamp than the allowed skew is
 * rejected too: as event time it would move its partition's watermark forward at once, and every
 * later transaction of the partition would arrive late for the velocity rule.
 */
public final class TransactionDeserializer
    implements KafkaRecordDeserializationSchema<ParsedRecord> {

  private static final long serialVersionUID = 1L;

  static {
    // With the source, on the JobManager and the TaskManagers, while the job's loader is open.
    KafkaClientClasses.load();
  }

  private final long maxFutureSkewMillis;

  /**
   * @param maxFutureSkew how far a transaction's timestamp may lie ahead of its Kafka record's
   *     timestamp; zero accepts any
   */
  public TransactionDeserializer(Duration maxFutureSkew) {
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
    out.collect(parse(record));
  }

  /** The parsed form of one Kafka record. */
  public ParsedRecord parse(ConsumerRecord<byte[], byte[]> record) {
    ParseResult<Transaction> result = FraudJson.parseTransaction(record.value());
    if (!(result instanceof ParseResult.Valid<Transaction> valid)) {
      return rejected(record, ((ParseResult.Invalid<Transaction>) result).reason());
    }
    Transaction tx = valid.value();
    if (tx.timestamp() == null) {
      return new ParsedRecord.Accepted(tx.withTimestamp(Instant.ofEpochMilli(record.timestamp())));
    }
    // A negative record timestamp means the record has none: nothing to compare with.
    long ahead = tx.timestamp().toEpochMilli() - record.timestamp();
    if (maxFutureSkewMillis > 0 && record.timestamp() >= 0 && ahead > maxFutureSkewMillis) {
      return rejected(
          record,
          "timestamp "
              + tx.timestamp()
              + " is "
              + Duration.ofMillis(ahead).toSeconds()
              + " s ahead of the Kafka record's own timestamp "
              + Instant.ofEpochMilli(record.timestamp())
              + " (at most "
              + Duration.ofMillis(maxFutureSkewMillis).toSeconds()
              + " s allowed, --max-future-skew)");
    }
    return new ParsedRecord.Accepted(tx);
  }

  private static ParsedRecord rejected(ConsumerRecord<byte[], byte[]> record, String reason) {
    return new ParsedRecord.Rejected(
        new DeadLetter(
            record.key(),
            record.value(),
            reason,
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp()));
  }

  @Override
  public TypeInformation<ParsedRecord> getProducedType() {
    return TypeInformation.of(ParsedRecord.class);
  }
}
