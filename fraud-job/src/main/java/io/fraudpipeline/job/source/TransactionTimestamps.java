package io.fraudpipeline.job.source;

import io.fraudpipeline.job.parse.ParsedRecord;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time of a transaction: its own timestamp (the deserializer already put the Kafka record
 * timestamp there when the JSON had none). A rejected record gets no event time, so a stream of
 * garbage cannot drag the watermark forward.
 */
public final class TransactionTimestamps implements SerializableTimestampAssigner<ParsedRecord> {

  private static final long serialVersionUID = 1L;

  @Override
  public long extractTimestamp(ParsedRecord record, long kafkaTimestamp) {
    if (record instanceof ParsedRecord.Accepted accepted) {
      return accepted.transaction().timestamp().toEpochMilli();
    }
    return Long.MIN_VALUE;
  }
}
