package io.fraudpipeline.job;

import static io.fraudpipeline.job.rules.RuleSets.threshold;
import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.support.FlinkJobProbe;
import io.fraudpipeline.job.support.JobRunner;
import io.fraudpipeline.job.support.PipelineTestBase;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real job on a Flink MiniCluster against a real KRaft broker: amount rules, live rule changes,
 * rules at start-up and after a savepoint. One broker and one cluster for the class; each test has
 * its own topics.
 */
class FraudPipelineTest extends PipelineTestBase {

  @Test
  void alertsOnExactlyTheTransactionsAbove5000WithoutDuplicates(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    TestTopics t = TestTopics.create(kafka(), "seed", 2);
    Random random = new Random(7);
    List<Transaction> txs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String amount = BigDecimal.valueOf(1 + random.nextInt(1_000_000), 2).toPlainString();
      txs.add(tx("seed-" + i, "acc-" + random.nextInt(50), amount));
    }
    txs.add(tx("edge-equal", "acc-1", "5000"));
    txs.add(tx("edge-above", "acc-1", "5000.01"));
    // Half waits in Kafka before the job starts, half arrives while it runs.
    client().sendTransactions(t.tx(), txs.subList(0, 500));
    JobID job = JobRunner.submit(cluster, t.params(), 2);
    client().sendTransactions(t.tx(), txs.subList(500, txs.size()));

    Set<String> expected =
        txs.stream()
            .filter(tx -> tx.amount().compareTo(new BigDecimal("5000")) > 0)
            .map(tx -> tx.transactionId() + ":amount_threshold")
            .collect(Collectors.toSet());
    List<FraudAlert> alerts = client().alertsSettled(t.alerts(), expected.size(), WAIT, SETTLE);

    assertThat(expected).hasSizeGreaterThan(400).contains("edge-above:amount_threshold");
    assertThat(alerts).extracting(FraudAlert::alertId).doesNotHaveDuplicates();
    assertThat(ids(alerts)).isEqualTo(expected);
    assertThat(alerts)
        .allSatisfy(
            alert -> {
              assertThat(alert.rulesVersion()).isZero();
              assertThat(alert.threshold()).isEqualByComparingTo("5000");
              assertThat(alert.reason()).contains("exceeds the threshold of 5000");
              assertThat(alert.eventTime()).isEqualTo(alert.transaction().timestamp());
            });
    assertThat(rest(cluster).numRestarts(job)).isZero();
  }

  @Test
  void appliesARuleChangeWhileRunningWithoutARestart(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    TestTopics t = TestTopics.create(kafka(), "live", 2);
    JobID job = JobRunner.submit(cluster, t.params(), 2);
    List<Transaction> before = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      before.add(tx("before-" + i, "acc-" + i, i < 5 ? "6000" : "3000"));
    }
    client().sendTransactions(t.tx(), before);
    assertThat(client().alerts(t.alerts(), 5, WAIT)).hasSize(5);

    client().publishRules(t.rules(), threshold(1, "2000"));
    awaitRulesVersion(cluster, job, 1);
    FlinkJobProbe rest = rest(cluster);
    JobVertexID evaluate = rest.vertexOf(job, Operators.EVALUATE_RULES);
    for (int subtask = 0; subtask < 2; subtask++) {
      assertThat(rest.subtaskValue(job, evaluate, subtask, JobMetrics.RULES_VERSION_APPLIED_REST))
          .hasValue(1);
    }

    List<Transaction> after = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      after.add(tx("after-" + i, "acc-" + i, i < 15 ? "3000" : "1500"));
    }
    client().sendTransactions(t.tx(), after);

    List<FraudAlert> alerts = client().alertsSettled(t.alerts(), 20, WAIT, SETTLE);
    assertThat(alerts).extracting(FraudAlert::alertId).doesNotHaveDuplicates();
    assertThat(alerts)
        .filteredOn(a -> a.alertId().startsWith("before-"))
        .extracting(a -> a.transaction().transactionId())
        .containsExactlyInAnyOrder("before-0", "before-1", "before-2", "before-3", "before-4");
    assertThat(alerts)
        .filteredOn(a -> a.alertId().startsWith("after-"))
        .hasSize(15)
        .allSatisfy(
            a -> {
              assertThat(a.rulesVersion()).isEqualTo(1);
              assertThat(a.threshold()).isEqualByComparingTo("2000");
              assertThat(a.transaction().amount()).isEqualByComparingTo("3000");
            });
    assertThat(rest(cluster).numRestarts(job)).isZero();
    assertThat(rest(cluster).state(job)).isEqualTo("RUNNING");
  }

  @Test
  void aFreshJobJudgesWaitingTransactionsByTheLatestValidPublishedRules(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    TestTopics t = TestTopics.create(kafka(), "fresh", 2);
    client().publishRules(t.rules(), threshold(3, "100"));
    client()
        .publishRules(
            t.rules(),
            "{\"version\":9,\"amount_threshold\":-1}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    client().publishRules(t.rules(), threshold(2, "9000"));
    List<Transaction> waiting = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      waiting.add(tx("w-" + i, "acc-" + i, i % 3 == 0 ? "50" : "150"));
    }
    client().sendTransactions(t.tx(), waiting);

    JobID job = JobRunner.submit(cluster, t.params(), 2);

    List<FraudAlert> alerts = client().alertsSettled(t.alerts(), 20, WAIT, SETTLE);
    assertThat(alerts).hasSize(20);
    assertThat(alerts)
        .allSatisfy(
            a -> {
              assertThat(a.rulesVersion()).isEqualTo(3);
              assertThat(a.threshold()).isEqualByComparingTo("100");
            });
    awaitRulesVersion(cluster, job, 3);
  }

  @Test
  void aJobResumedFromASavepointAppliesTheRulesPublishedWhileItWasStopped(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path savepoints) throws Exception {
    TestTopics t = TestTopics.create(kafka(), "resume", 2);
    JobID first = JobRunner.submit(cluster, t.params(), 2);
    client().publishRules(t.rules(), threshold(1, "1000"));
    awaitRulesVersion(cluster, first, 1);
    List<Transaction> a = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      a.add(tx("a-" + i, "acc-" + i, "1500"));
    }
    client().sendTransactions(t.tx(), a);
    assertThat(client().alerts(t.alerts(), 10, WAIT)).hasSize(10);

    String savepoint =
        cluster
            .stopWithSavepoint(
                first, savepoints.toUri().toString(), false, SavepointFormatType.CANONICAL)
            .get();

    client().publishRules(t.rules(), threshold(2, "2000"));
    List<Transaction> b = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      b.add(tx("b-" + i, "acc-" + i, i < 10 ? "1500" : "2500"));
    }
    client().sendTransactions(t.tx(), b);

    JobID resumed =
        JobRunner.submit(cluster, t.params(), 2, SavepointRestoreSettings.forPath(savepoint));

    List<FraudAlert> alerts = client().alertsSettled(t.alerts(), 20, WAIT, SETTLE);
    assertThat(alerts).extracting(FraudAlert::alertId).doesNotHaveDuplicates();
    assertThat(alerts)
        .filteredOn(x -> x.alertId().startsWith("a-"))
        .hasSize(10)
        .allSatisfy(x -> assertThat(x.rulesVersion()).isEqualTo(1));
    assertThat(alerts)
        .filteredOn(x -> x.alertId().startsWith("b-"))
        .extracting(x -> x.transaction().transactionId())
        .containsExactlyInAnyOrder(
            "b-10", "b-11", "b-12", "b-13", "b-14", "b-15", "b-16", "b-17", "b-18", "b-19");
    assertThat(alerts)
        .filteredOn(x -> x.alertId().startsWith("b-"))
        .allSatisfy(x -> assertThat(x.rulesVersion()).isEqualTo(2));
    awaitRulesVersion(cluster, resumed, 2);
  }
}
