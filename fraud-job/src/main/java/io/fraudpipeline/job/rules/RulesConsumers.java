package io.fraudpipeline.job.rules;

import io.fraudpipeline.job.FraudJobParameters;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The job's plain Kafka consumers of the rules topic: no group, no commits, committed data only.
 */
final class RulesConsumers {

  private RulesConsumers() {}

  static KafkaConsumer<byte[], byte[]> create(
      FraudJobParameters params, String clientId, Properties overrides) {
    Properties props = new Properties();
    props.putAll(params.kafkaClientProperties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, params.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putAll(overrides);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
