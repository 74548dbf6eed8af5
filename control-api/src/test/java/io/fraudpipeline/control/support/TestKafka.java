package io.fraudpipeline.control.support;

import io.fraudpipeline.embedded.LocalKafka;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One real KRaft broker for every test class of this JVM, closed when the JVM exits (after the
 * cached application contexts, so none of them loses its broker while stopping). Each test class
 * uses its own topic names and consumer group, given by {@link #register}.
 */
public final class TestKafka {

  private static LocalKafka kafka;

  private TestKafka() {}

  public static synchronized LocalKafka broker() {
    if (kafka == null) {
      kafka = LocalKafka.start();
      LocalKafka started = kafka;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-kafka-shutdown"));
    }
    return kafka;
  }

  /**
   * Points the application at the shared broker with topic names and group prefixed by {@code
   * prefix}.
   */
  public static void register(DynamicPropertyRegistry registry, String prefix) {
    registry.add("spring.kafka.bootstrap-servers", () -> broker().bootstrapServers());
    registry.add("fraud.topics.transactions", () -> prefix + "-transactions");
    registry.add("fraud.topics.fraud-alerts", () -> prefix + "-alerts");
    registry.add("fraud.topics.fraud-alerts-shadow", () -> prefix + "-alerts-shadow");
    registry.add("fraud.topics.transactions-dlq", () -> prefix + "-dlq");
    registry.add("fraud.topics.fraud-rules", () -> prefix + "-rules");
    registry.add("fraud.topics.rules-history", () -> prefix + "-rules-history");
    registry.add("fraud.topics.savepoints", () -> prefix + "-savepoints");
    registry.add("fraud.topics.operations", () -> prefix + "-operations");
    registry.add("fraud.topics.pipeline", () -> prefix + "-pipeline");
    registry.add("fraud.topics.pipeline-status", () -> prefix + "-pipeline-status");
    registry.add("fraud.topics.events", () -> prefix + "-events");
    registry.add("fraud.topics.leadership", () -> prefix + "-leadership");
    registry.add("fraud.leadership.group-id", () -> prefix + "-control-plane");
    registry.add("fraud.lag.group-id", () -> prefix + "-fraud-job");
    registry.add("fraud.rules.transactional-id", () -> prefix + "-rules-tx-");
  }
}
