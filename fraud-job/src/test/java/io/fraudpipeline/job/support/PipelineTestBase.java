package io.fraudpipeline.job.support;

import static org.awaitility.Awaitility.await;

import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.Operators;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real job on a Flink MiniCluster (one per test class, one TaskManager with four slots) against
 * the shared KRaft broker. Each test creates its own topics.
 */
public abstract class PipelineTestBase {

  protected static final Duration WAIT = Duration.ofSeconds(90);

  /** How long to keep reading after the expected alerts arrived, to catch extras. */
  protected static final Duration SETTLE = Duration.ofMillis(2500);

  private static FlinkJobProbe probe;

  @RegisterExtension
  protected static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          () ->
              new MiniClusterResourceConfiguration.Builder()
                  .setNumberTaskManagers(1)
                  .setNumberSlotsPerTaskManager(4)
                  .setConfiguration(fastMetrics())
                  .build());

  protected static LocalKafka kafka() {
    return SharedKafka.broker();
  }

  protected static KafkaTestClient client() {
    return SharedKafka.client();
  }

  /** The REST API serves metrics from a cache refreshed this often (10 s by default). */
  public static Configuration fastMetrics() {
    Configuration config = new Configuration();
    config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
    return config;
  }

  @AfterEach
  void cancelJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
    Jobs.cancelAll(cluster);
  }

  protected static Transaction tx(String id, String account, String amount) {
    return new Transaction(
        id, account, new BigDecimal(amount), "USD", "shop", "retail", "US", Instant.now());
  }

  /** The class's one client of its MiniCluster's REST API, closed after the class. */
  protected static synchronized FlinkJobProbe rest(MiniCluster cluster) throws Exception {
    if (probe == null) {
      probe = FlinkJobProbe.of(cluster);
    }
    return probe;
  }

  @AfterAll
  static synchronized void closeProbe() {
    if (probe != null) {
      probe.close();
      probe = null;
    }
  }

  /** Waits until every subtask reports this rules version over the REST API. */
  protected static void awaitRulesVersion(MiniCluster cluster, JobID job, long version)
      throws Exception {
    FlinkJobProbe rest = rest(cluster);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                rest.subtaskMin(
                            job,
                            rest.vertexOf(job, Operators.EVALUATE_RULES),
                            JobMetrics.RULES_VERSION_APPLIED_REST)
                        .orElse(-1)
                    == version);
  }

  protected static Set<String> ids(List<FraudAlert> alerts) {
    return alerts.stream().map(FraudAlert::alertId).collect(Collectors.toSet());
  }
}
