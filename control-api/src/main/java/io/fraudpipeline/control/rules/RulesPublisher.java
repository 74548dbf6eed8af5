package io.fraudpipeline.control.rules;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.DefaultTransactionIdSuffixStrategy;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes a rule set and its history entry in one Kafka transaction (acks=all, idempotent): a
 * reader with {@code read_committed}, the fraud job included, sees both or neither, never half a
 * change. Callers serialise publications; with one at a time the transactional id is always the
 * configured one followed by {@code 0}.
 */
final class RulesPublisher implements AutoCloseable {

  private final DefaultKafkaProducerFactory<String, byte[]> factory;
  private final KafkaTemplate<String, byte[]> template;
  private final String rulesTopic;
  private final String historyTopic;

  RulesPublisher(
      Map<String, Object> producerConfig,
      String transactionalIdPrefix,
      Duration timeout,
      String rulesTopic,
      String historyTopic) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "control-api-rules");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    int millis = (int) timeout.toMillis();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
    config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
    factory =
        new DefaultKafkaProducerFactory<>(
            config, new StringSerializer(), new ByteArraySerializer());
    factory.setTransactionIdPrefix(transactionalIdPrefix);
    factory.setTransactionIdSuffixStrategy(new DefaultTransactionIdSuffixStrategy(1));
    factory.setPhysicalCloseTimeout(2);
    template = new KafkaTemplate<>(factory);
    this.rulesTopic = rulesTopic;
    this.historyTopic = historyTopic;
  }

  /** Publishes both records and returns once the transaction is committed; throws otherwise. */
  void publish(RuleSet rules, RuleChange change) {
    byte[] rulesValue = FraudJson.write(rules);
    byte[] changeValue = FraudJson.mapper().writeValueAsBytes(change);
    template.executeInTransaction(
        operations -> {
          operations.send(rulesTopic, Topics.RULES_KEY, rulesValue);
          operations.send(historyTopic, Topics.RULES_KEY, changeValue);
          return null;
        });
  }

  @Override
  public void close() {
    factory.destroy();
  }
}
