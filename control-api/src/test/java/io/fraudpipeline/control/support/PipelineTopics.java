package io.fraudpipeline.control.support;

import io.fraudpipeline.embedded.LocalKafka;
import java.util.Map;

/** The topics the fraud job reads and writes, as the tests on a real broker create them. */
public final class PipelineTopics {

  private PipelineTopics() {}

  /** {@code transactions} and {@code fraud-alerts} (two partitions each), the DLQ, the rules. */
  public static void create(LocalKafka kafka) {
    kafka.createTopic("transactions", 2, Map.of());
    kafka.createTopic("fraud-alerts", 2, Map.of());
    kafka.createTopic("transactions-dlq", 1, Map.of());
    kafka.createTopic("fraud-rules", 1, Map.of("cleanup.policy", "compact"));
  }
}
