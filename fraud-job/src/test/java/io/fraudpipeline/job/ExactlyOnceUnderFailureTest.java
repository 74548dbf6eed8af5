package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.job.support.FlinkJobProbe;
import io.fraudpipeline.job.support.JobRunner;
import io.fraudpipeline.job.support.Jobs;
import io.fraudpipeline.job.support.KafkaTestClient;
import io.fraudpipeline.job.support.PipelineTestBase;
import io.fraudpipeline.job.support.SharedKafka;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once end to end: a TaskManager is terminated while transactions stream in; after Flink
 * restores the job from its last checkpoint, the committed alerts (read with read_committed) are
 * exactly the expected set, none missing and none twice.
 */
class ExactlyOnceUnderFailureTest {

  /** Two TaskManagers of one slot each: parallelism 2 puts a subtask on each. */
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          () ->
              new MiniClusterResourceConfiguration.Builder()
                  .setNumberTaskManagers(2)
                  .setNumberSlotsPerTaskManager(1)
                  .setConfiguration(PipelineTestBase.fastMetrics())
                  .build());

  @AfterEach
  void cancelJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
    Jobs.cancelAll(cluster);
  }

  @Test
  void commitsExactlyTheExpectedAlertsWhenATaskManagerDiesMidStream(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    TestTopics t = TestTopics.create(SharedKafka.broker(), "failover", 2);
    KafkaTestClient client = SharedKafka.client();
    Random random = new Random(3);
    List<Transaction> txs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String amount = random.nextInt(10) < 3 ? "7500" : "120";
      txs.add(
          new Transaction(
              "f-" + i,
              "acc-" + random.nextInt(100),
              new BigDecimal(amount),
              "USD",
              "m",
              "retail",
              "US",
              Instant.now()));
    }
    Set<String> expected =
        txs.stream()
            .filter(tx -> tx.amount().compareTo(new BigDecimal("5000")) > 0)
            .map(tx -> tx.transactionId() + ":amount_threshold")
            .collect(Collectors.toSet());

    JobID job = JobRunner.submit(cluster, t.params(), 2);
    client.sendTransactions(t.tx(), txs.subList(0, 1000));
    // Mid-stream: some alerts are committed, and more transactions keep arriving.
    assertThat(client.alerts(t.alerts(), 100, Duration.ofSeconds(90)))
        .hasSizeGreaterThanOrEqualTo(100);
    CompletableFuture<Void> rest =
        CompletableFuture.runAsync(
            () -> {
              for (int from = 1000; from < txs.size(); from += 250) {
                client.sendTransactions(
                    t.tx(), txs.subList(from, Math.min(from + 250, txs.size())));
                sleep(100);
              }
            });
    cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
    cluster.startTaskManager();
    rest.get(60, TimeUnit.SECONDS);

    List<FraudAlert> alerts =
        client.alertsSettled(
            t.alerts(), expected.size(), Duration.ofSeconds(120), Duration.ofSeconds(3));

    assertThat(alerts).extracting(FraudAlert::alertId).doesNotHaveDuplicates();
    assertThat(alerts.stream().map(FraudAlert::alertId).collect(Collectors.toSet()))
        .isEqualTo(expected);
    try (FlinkJobProbe flink = FlinkJobProbe.of(cluster)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> flink.numRestarts(job) >= 1);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
