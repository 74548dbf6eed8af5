package io.fraudpipeline.job.support;

import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.job.FraudJobParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One test's own topics, consumer group and transactional ids on the shared broker, so tests of a
 * class can share one broker without seeing each other's records.
 */
public record TestTopics(
    String name, String bootstrapServers, String tx, String alerts, String dlq, String rules) {

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
            name + "-rules");
    kafka.createTopic(t.tx, partitions, LARGE);
    kafka.createTopic(t.alerts, partitions, Map.of());
    kafka.createTopic(t.dlq, 1, LARGE);
    kafka.createTopic(t.rules, 1, Map.of("cleanup.policy", "compact"));
    return t;
  }

  /** Job parameters for these topics: fast checkpoints so exactly-once output shows quickly. */
  public FraudJobParameters params(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers", bootstrapServers,
                "--transactions-topic", tx,
                "--alerts-topic", alerts,
                "--dlq-topic", dlq,
                "--rules-topic", rules,
                "--group-id", name,
                "--checkpoint-interval", "500",
                "--transaction-timeout", "60000",
                "--max-out-of-orderness", "5000",
                "--source-idleness", "1000",
                "--rules-bootstrap-timeout", "20000",
                "--job-name", name));
    args.addAll(List.of(extra));
    return FraudJobParameters.fromArgs(args.toArray(String[]::new));
  }
}
