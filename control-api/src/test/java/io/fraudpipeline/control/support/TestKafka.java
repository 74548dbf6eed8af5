package io.fraudpipeline.control.support;

import io.fraudpipeline.embedded.LocalKafka;
import java.util.LinkedHashMap;
import java.util.Map;
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
    settings(prefix).forEach((name, value) -> registry.add(name, () -> value));
  }

  /**
   * Topic names and consumer groups prefixed by {@code prefix} (the rules writer's transactional id
   * follows the rules topic): the settings of a test class's own control plane ({@link
   * ControlPlane#start}) on the shared broker.
   */
  public static Map<String, String> settings(String prefix) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String[] topic :
        new String[][] {
          {"transactions", "transactions"},
          {"fraud-alerts", "alerts"},
          {"fraud-alerts-shadow", "alerts-shadow"},
          {"transactions-dlq", "dlq"},
          {"fraud-rules", "rules"},
          {"rules-history", "rules-history"},
          {"savepoints", "savepoints"},
          {"operations", "operations"},
          {"pipeline", "pipeline"},
          {"pipeline-status", "pipeline-status"},
          {"events", "events"},
          {"leadership", "leadership"}
        }) {
      settings.put("fraud.topics." + topic[0], prefix + "-" + topic[1]);
    }
    settings.put("fraud.leadership.group-id", prefix + "-control-plane");
    settings.put("fraud.lag.group-id", prefix + "-fraud-job");
    return settings;
  }
}
