package io.fraudpipeline.job.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.named.BruteForce;
import io.fraudpipeline.job.named.Generated;
import io.fraudpipeline.job.support.JobRunner;
import io.fraudpipeline.job.support.PipelineTestBase;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;

/** A backtest against the live job, on the same transactions in the same topic. */
class BacktestPipelineTest extends PipelineTestBase {

  private static List<String> ids(Stream<FraudAlert> alerts) {
    return alerts.map(a -> a.alertId() + "=" + a.value().stripTrailingZeros()).sorted().toList();
  }

  @Test
  void raisesExactlyWhatTheLiveJobRaisesOnTheSameData(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    TestTopics t = TestTopics.create(kafka(), "backtest", 2);
    Random random = new Random(7);
    List<NamedRule> named = Generated.rules(random, 8);
    RuleSet rules = new RuleSet(1, null, null, null, null, null, named);
    List<Transaction> txs = new ArrayList<>(Generated.transactions(random, 400, 600));
    // In event-time order per partition, as a live producer sends them: none is late.
    txs.sort(Comparator.comparing(Transaction::timestamp));
    client().sendTransactions(t.tx(), txs);
    Instant from = Instant.ofEpochMilli(Generated.START);
    Instant to = from.plusSeconds(601);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    List<FraudAlert> backtest = new ArrayList<>();
    BacktestPipeline.alerts(env, t.params(), rules, from, to, null)
        .executeAndCollect("backtest")
        .forEachRemaining(backtest::add);
    // Told to stop where it starts, it reads nothing (the control plane stops it past the range).
    List<FraudAlert> stoppedAtOnce = new ArrayList<>();
    BacktestPipeline.alerts(env, t.params(), rules, from, to, Map.of(0, 0L, 1, 0L))
        .executeAndCollect("backtest-stopped")
        .forEachRemaining(stoppedAtOnce::add);
    assertThat(stoppedAtOnce).isEmpty();

    List<BruteForce.Expected> expected = BruteForce.alerts(named, txs);
    assertThat(backtest).hasSize(expected.size()).isNotEmpty();

    // The live job on the same topic, with the same rules; ticks on every account carry the
    // watermark of both partitions past the data, so every window is judged.
    client().publishRules(t.rules(), rules);
    JobRunner.submit(cluster, t.params(), 2);
    List<Transaction> ticks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ticks.add(
          new Transaction(
              "tick-" + i,
              "acc-" + i % 4,
              BigDecimal.ONE,
              "EUR",
              "tick",
              "tick",
              null,
              to.plusSeconds(3600)));
    }
    client().sendTransactions(t.tx(), ticks);
    long active = backtest.stream().filter(a -> !a.shadow()).count();
    List<FraudAlert> live =
        Stream.concat(
                client().alertsSettled(t.alerts(), (int) active, WAIT, SETTLE).stream(),
                client()
                    .alertsSettled(t.shadowAlerts(), backtest.size() - (int) active, WAIT, SETTLE)
                    .stream())
            .filter(a -> a.ruleId() != null && a.eventTime().isBefore(to))
            .toList();

    assertThat(ids(live.stream())).isEqualTo(ids(backtest.stream()));
  }
}
