package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicTail;
import io.fraudpipeline.control.kafka.TopicsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ProducerFactory;

/** The rules capability's Kafka readers and publisher, built from Boot's Kafka settings. */
@Configuration(proxyBeanMethods = false)
class RulesConfiguration {

  @Bean(destroyMethod = "close")
  RuleSetLog ruleSetLog(
      ReadCommittedConsumers consumers, TopicsProperties topics, RulesProperties properties) {
    return new RuleSetLog(
        new TopicTail(
            consumers.create("control-api-rules-reader", properties.readTimeout()),
            topics.fraudRules(),
            properties.readTimeout()));
  }

  @Bean(destroyMethod = "close")
  RuleHistoryLog ruleHistoryLog(
      ReadCommittedConsumers consumers, TopicsProperties topics, RulesProperties properties) {
    return new RuleHistoryLog(
        new TopicTail(
            consumers.create("control-api-rules-history-reader", properties.readTimeout()),
            topics.rulesHistory(),
            properties.readTimeout()),
        properties.historyLimit());
  }

  @Bean(destroyMethod = "close")
  RulesPublisher rulesPublisher(
      ProducerFactory<?, ?> producerFactory, TopicsProperties topics, RulesProperties properties) {
    return new RulesPublisher(
        producerFactory.getConfigurationProperties(),
        properties.transactionalId(),
        properties.publishTimeout(),
        topics.fraudRules(),
        topics.rulesHistory());
  }
}
