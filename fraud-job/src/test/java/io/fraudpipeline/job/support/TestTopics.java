package io.fraudpipeline.job.support;

import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.job.FraudJobParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One test's own topics, consumer group and transactional ids on the shared broker, so tests of a
 * class can share one broker without seeing each other's records.
 */
public record TestTopics(
    String name,
    String bootstrapServers,
    String tx,
    String alerts,
    String dlq,
    String rules,
    String shadowAlerts) {

  /** Topics that accept records up to 3 MB, so the poison corpus's 1 MB value fits. */
  private static final Map<String, String> LARGE = Map.of("max.message.bytes", "3145728");

  public static TestTopics create(LocalKafka kafka, String name, int partitions) {
    TestTopics t =
        new TestTopics(
            name,
            kafka.bootstrapServers(),
            name + "-transactions",
            name + "-alerts",
            name + "-dlq",
            name + "-rules",
            name + "-alerts-shadow");
    kafka.createTopic(t.tx, partitions, LARGE);
    kafka.createTopic(t.alerts, partitions, Map.of());
    kafka.createTopic(t.dlq, 1, LARGE);
    kafka.createTopic(t.rules, 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(t.shadowAlerts, partitions, Map.of());
    return t;
  }

  /**
   * Job parameters for these topics: fast checkpoints so exactly-once output shows quickly. {@code
   * overrides} are {@code --name value} pairs that replace or add to these.
   */
  public FraudJobParameters params(String... overrides) {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("--bootstrap-servers", bootstrapServers);
    args.put("--transactions-topic", tx);
    args.put("--alerts-topic", alerts);
    args.put("--shadow-alerts-topic", shadowAlerts);
    args.put("--dlq-topic", dlq);
    args.put("--rules-topic", rules);
    args.put("--group-id", name);
    args.put("--checkpoint-interval", "500");
    args.put("--transaction-timeout", "60000");
    args.put("--max-out-of-orderness", "5000");
    args.put("--source-idleness", "30000");
    args.put("--rules-bootstrap-timeout", "20000");
    args.put("--job-name", name);
    for (int i = 0; i + 1 < overrides.length; i += 2) {
      args.put(overrides[i], overrides[i + 1]);
    }
    List<String> flat = new ArrayList<>();
    args.forEach(
        (k, v) -> {
          flat.add(k);
          flat.add(v);
        });
    return FraudJobParameters.fromArgs(flat.toArray(String[]::new));
  }
}
