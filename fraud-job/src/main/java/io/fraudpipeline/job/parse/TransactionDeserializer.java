package io.fraudpipeline.job.parse;

import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.Transaction;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses each record of the transactions topic with the wire contract's codec, in the source
 * itself, so that the source can take event time from the transaction and keep watermarks per
 * partition. Never throws: whatever does not parse becomes a {@link ParsedRecord.Rejected}.
 */
public final class TransactionDeserializer
    implements KafkaRecordDeserializationSchema<ParsedRecord> {

  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
    out.collect(parse(record));
  }

  /** The parsed form of one Kafka record. */
  public static ParsedRecord parse(ConsumerRecord<byte[], byte[]> record) {
    ParseResult<Transaction> result = FraudJson.parseTransaction(record.value());
    if (result instanceof ParseResult.Valid<Transaction> valid) {
      Transaction tx = valid.value();
      if (tx.timestamp() == null) {
        return new ParsedRecord.Accepted(
            tx.withTimestamp(Instant.ofEpochMilli(record.timestamp())));
      }
      return new ParsedRecord.Accepted(tx);
    }
    String reason = ((ParseResult.Invalid<Transaction>) result).reason();
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
