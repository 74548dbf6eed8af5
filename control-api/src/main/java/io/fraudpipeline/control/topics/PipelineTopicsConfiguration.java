package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.kafka.TopicsProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The pipeline's topics, created by Spring Kafka's {@link KafkaAdmin} at start-up when missing (and
 * again by the {@link OffsetsPoller} once Kafka is reachable, if it was not at start-up). The
 * savepoints topic belongs to the savepoints capability.
 */
@Configuration(proxyBeanMethods = false)
class PipelineTopicsConfiguration {

  @Bean
  KafkaAdmin.NewTopics pipelineTopics(TopicsProperties topics) {
    return new KafkaAdmin.NewTopics(
        data(topics.transactions(), topics),
        data(topics.fraudAlerts(), topics),
        data(topics.fraudAlertsShadow(), topics),
        data(topics.transactionsDlq(), topics),
        // One key, so one partition; compaction keeps the latest rule set forever.
        TopicBuilder.name(topics.fraudRules())
            .partitions(1)
            .replicas(topics.replicationFactor())
            .compact()
            .build(),
        // The audit trail: never compacted, never expired.
        TopicBuilder.name(topics.rulesHistory())
            .partitions(1)
            .replicas(topics.replicationFactor())
            .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)
            .config(TopicConfig.RETENTION_MS_CONFIG, "-1")
            .config(TopicConfig.RETENTION_BYTES_CONFIG, "-1")
            .build());
  }

  private static NewTopic data(String name, TopicsProperties topics) {
    return TopicBuilder.name(name)
        .partitions(topics.partitions())
        .replicas(topics.replicationFactor())
        .build();
  }
}
