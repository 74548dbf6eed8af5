package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.job.support.FlinkJobProbe;
import io.fraudpipeline.job.support.JobRunner;
import io.fraudpipeline.job.support.PipelineTestBase;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.RuleState;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;

/**
 * Named rules on the real job (MiniCluster, real broker, exactly-once): rules added, deleted and
 * added again while background transactions keep flowing; committed alerts read {@code
 * read_committed} from both topics.
 */
class NamedRulesPipelineTest extends PipelineTestBase {

  private static final Map<String, String> SPREE = Map.of("merchant", "spree-shop");

  /** Three or more spree payments of one account within an hour: active. */
  private static final NamedRule BURST =
      new NamedRule(
          "burst",
          "Spree burst",
          "active",
          "aggregate",
          null,
          ">=",
          new BigDecimal(3),
          SPREE,
          List.of("account_id"),
          "count",
          "PT1H");

  /** More than 100 spent at the spree shop per account within an hour: shadow. */
  private static final NamedRule SHADOW_TOTAL =
      new NamedRule(
          "shadow-total",
          null,
          "shadow",
          "aggregate",
          "amount",
          ">",
          new BigDecimal(100),
          SPREE,
          List.of("account_id"),
          "sum",
          "PT1H");

  private static RuleSet rules(long version, NamedRule... named) {
    return new RuleSet(version, null, null, null, null, null, List.of(named));
  }

  private static Transaction spree(String id, String account, String amount, Instant at) {
    return new Transaction(
        id, account, new BigDecimal(amount), "EUR", "spree-shop", "retail", "FR", at);
  }

  private static String ruleMetric(String ruleId, String metric) {
    return Operators.AGGREGATE_RULES + "." + JobMetrics.RULE_GROUP + "." + ruleId + "." + metric;
  }

  private static void awaitBothRuleOperatorsAt(MiniCluster cluster, JobID job, long version)
      throws Exception {
    awaitRulesVersion(cluster, job, version);
    FlinkJobProbe rest = rest(cluster);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                rest.subtaskMin(
                            job,
                            rest.vertexOf(job, Operators.AGGREGATE_RULES),
                            Operators.AGGREGATE_RULES + "." + JobMetrics.RULES_VERSION_APPLIED)
                        .orElse(-1)
                    == version);
  }

  @Test
  void addsDeletesAndReAddsAnAggregateRuleWhileTransactionsFlowWithExactlyOnceAlerts(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    TestTopics t = TestTopics.create(kafka(), "named", 2);
    Instant base = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    // Background traffic, at the event time the test moves forward: it trips no rule (another
    // merchant) and carries every partition's watermark past the spree payments.
    AtomicLong clock = new AtomicLong(base.toEpochMilli());
    AtomicBoolean flowing = new AtomicBoolean(true);
    Thread background =
        new Thread(
            () -> {
              long n = 0;
              while (flowing.get()) {
                n++;
                client()
                    .sendTransactions(
                        t.tx(),
                        List.of(
                            new Transaction(
                                "bg-" + n,
                                "bg-" + (n % 16),
                                new BigDecimal("0.01"),
                                "EUR",
                                "bg",
                                "retail",
                                "FR",
                                Instant.ofEpochMilli(clock.get()))));
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "background-transactions");
    client().publishRules(t.rules(), rules(1, BURST, SHADOW_TOTAL));
    JobID job = JobRunner.submit(cluster, t.params(), 2);
    background.start();
    try {
      awaitBothRuleOperatorsAt(cluster, job, 1);
      client()
          .sendTransactions(
              t.tx(),
              List.of(
                  spree("p1-a1", "A", "50", base.plusSeconds(1)),
                  spree("p1-a2", "A", "50", base.plusSeconds(2)),
                  spree("p1-a3", "A", "50", base.plusSeconds(3)),
                  spree("p1-b1", "B", "10", base.plusSeconds(3))));
      clock.set(base.plusSeconds(60).toEpochMilli());
      assertThat(client().alerts(t.alerts(), 1, WAIT))
          .extracting(FraudAlert::alertId)
          .containsExactly("p1-a3:burst");

      // Deleted: burst stops; group A keeps its transactions for shadow-total's hour.
      client().publishRules(t.rules(), rules(2, SHADOW_TOTAL));
      awaitBothRuleOperatorsAt(cluster, job, 2);
      client().sendTransactions(t.tx(), List.of(spree("p2-a1", "A", "1", base.plusSeconds(120))));
      clock.set(base.plusSeconds(180).toEpochMilli());
      assertThat(client().alerts(t.shadowAlerts(), 2, WAIT))
          .extracting(FraudAlert::alertId)
          .containsExactly("p1-a3:shadow-total", "p2-a1:shadow-total");

      // Added again under the same id: it counts what group A still holds for shadow-total's
      // hour (p1-a1..a3, p2-a1), so each of p3's payments is at least the fifth within the hour.
      client().publishRules(t.rules(), rules(3, BURST, SHADOW_TOTAL));
      awaitBothRuleOperatorsAt(cluster, job, 3);
      client()
          .sendTransactions(
              t.tx(),
              List.of(
                  spree("p3-a1", "A", "1", base.plusSeconds(240)),
                  spree("p3-a2", "A", "1", base.plusSeconds(241)),
                  spree("p3-a3", "A", "1", base.plusSeconds(242))));
      clock.set(base.plusSeconds(300).toEpochMilli());

      List<FraudAlert> alerts = client().alertsSettled(t.alerts(), 4, WAIT, SETTLE);
      assertThat(alerts)
          .extracting(FraudAlert::alertId)
          .containsExactlyInAnyOrder("p1-a3:burst", "p3-a1:burst", "p3-a2:burst", "p3-a3:burst");
      FraudAlert last =
          alerts.stream().filter(a -> a.alertId().equals("p3-a3:burst")).findFirst().orElseThrow();
      assertThat(last.rulesVersion()).isEqualTo(3);
      assertThat(last.value()).isEqualByComparingTo("7");
      assertThat(last.groupKey()).isEqualTo(Map.of("account_id", "A"));
      assertThat(last.ruleName()).isEqualTo("Spree burst");

      List<FraudAlert> shadow = client().alertsSettled(t.shadowAlerts(), 5, WAIT, SETTLE);
      assertThat(shadow)
          .extracting(FraudAlert::alertId)
          .containsExactlyInAnyOrder(
              "p1-a3:shadow-total",
              "p2-a1:shadow-total",
              "p3-a1:shadow-total",
              "p3-a2:shadow-total",
              "p3-a3:shadow-total");
      assertThat(shadow).allSatisfy(a -> assertThat(a.ruleState()).isEqualTo(RuleState.SHADOW));

      // Per-rule metrics over REST: burst judged the 4 spree payments of phase 1 and the 3 of
      // phase 3 (not phase 2's: it was deleted), alerted twice; shadow-total alerted 5 times.
      FlinkJobProbe rest = rest(cluster);
      JobVertexID vertex = rest.vertexOf(job, Operators.AGGREGATE_RULES);
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(rest.subtaskSum(job, vertex, ruleMetric("burst", "alerts"))).hasValue(2);
                assertThat(rest.subtaskSum(job, vertex, ruleMetric("burst", "evaluations")))
                    .hasValue(7);
                assertThat(rest.subtaskSum(job, vertex, ruleMetric("shadow-total", "alerts")))
                    .hasValue(5);
              });
      assertThat(rest.numRestarts(job)).isZero();
    } finally {
      flowing.set(false);
      background.join();
    }
  }
}
