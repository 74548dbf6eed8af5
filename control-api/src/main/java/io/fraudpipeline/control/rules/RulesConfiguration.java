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
  RuleSetLog ruleSetLog(ReadCommittedConsumers consumers, TopicsProperties topics) {
    return new RuleSetLog(
        new TopicTail(
            consumers.create("control-api-rules-reader", topics.readTimeout()),
            topics.fraudRules(),
            topics.readTimeout()));
  }

  @Bean(destroyMethod = "close")
  RuleHistoryLog ruleHistoryLog(
      ReadCommittedConsumers consumers, TopicsProperties topics, RulesProperties properties) {
    return new RuleHistoryLog(
        new TopicTail(
            consumers.create("control-api-rules-history-reader", topics.readTimeout()),
            topics.rulesHistory(),
            topics.readTimeout()),
        properties.historyLimit());
  }

  @Bean(destroyMethod = "close")
  RulesPublisher rulesPublisher(
      ProducerFactory<?, ?> producerFactory, TopicsProperties topics, RulesProperties properties) {
    return new RulesPublisher(
        producerFactory.getConfigurationProperties(),
        properties.publishTimeout(),
        topics.fraudRules(),
        topics.rulesHistory());
  }
}
