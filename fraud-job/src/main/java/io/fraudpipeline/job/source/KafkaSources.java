package io.fraudpipeline.job.source;

import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.job.parse.ParsedRecord;
import io.fraudpipeline.job.parse.TransactionDeserializer;
import io.fraudpipeline.job.rules.RulesRecordDeserializer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's two Kafka sources and their watermark strategies. */
public final class KafkaSources {

  private KafkaSources() {}

  /**
   * The transactions, parsed in the source. Starts from the group's committed offsets, else the
   * earliest; offsets are committed on checkpoints (for lag monitoring; the job's own position
   * lives in its checkpoints). Reads only committed records of transactional producers.
   */
  public static KafkaSource<ParsedRecord> transactions(FraudJobParameters params) {
    return KafkaSource.<ParsedRecord>builder()
        .setBootstrapServers(params.bootstrapServers())
        .setTopics(params.transactionsTopic())
        .setGroupId(params.groupId())
        .setClientIdPrefix(params.groupId() + "-transactions")
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new TransactionDeserializer(params.maxFutureSkew()))
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .setProperties(params.kafkaClientProperties())
        .build();
  }

  /**
   * Event time from the transaction, bounded out-of-orderness, watermarks per partition, and a
   * partition that stays quiet for the idleness timeout stops holding the others back.
   */
  public static WatermarkStrategy<ParsedRecord> transactionWatermarks(FraudJobParameters params) {
    return WatermarkStrategy.<ParsedRecord>forBoundedOutOfOrderness(params.maxOutOfOrderness())
        .withTimestampAssigner(new TransactionTimestamps())
        .withIdleness(params.sourceIdleness());
  }

  /** Every rule set on the compacted rules topic, always from the earliest offset. */
  public static KafkaSource<byte[]> rules(FraudJobParameters params) {
    return KafkaSource.<byte[]>builder()
        .setBootstrapServers(params.bootstrapServers())
        .setTopics(params.rulesTopic())
        // Only so the position shows in consumer-group tools; the start is always the earliest.
        .setGroupId(params.groupId() + "-rules")
        .setClientIdPrefix(params.groupId() + "-rules")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new RulesRecordDeserializer())
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .setProperties(params.kafkaClientProperties())
        .build();
  }

  /** See {@link AlwaysIdleWatermarks}. */
  public static WatermarkStrategy<byte[]> rulesWatermarks() {
    return WatermarkStrategy.forGenerator(context -> new AlwaysIdleWatermarks<>());
  }
}
