package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.rules.RuleSets;
import io.fraudpipeline.job.support.JobRunner;
import io.fraudpipeline.job.support.PipelineTestBase;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleId;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The velocity rule on the real job: transactions arrive out of event-time order (within the
 * out-of-orderness bound) on two partitions, and the alerts are exactly those an in-order reading
 * would raise. Also proves the rules stream does not hold event time back.
 */
class VelocityOutOfOrderTest extends PipelineTestBase {

  private static final int MAX_TRANSACTIONS = 3;
  private static final long WINDOW_MILLIS = 10_000;

  /** Ids of the transactions that exceed the limit, judging each account in event-time order. */
  static Set<String> expectedInEventTimeOrder(List<Transaction> txs) {
    Set<String> flagged = new HashSet<>();
    Map<String, List<Transaction>> byAccount =
        txs.stream().collect(Collectors.groupingBy(Transaction::accountId));
    for (List<Transaction> account : byAccount.values()) {
      List<Transaction> sorted =
          account.stream().sorted(Comparator.comparing(Transaction::timestamp)).toList();
      for (int i = 0; i < sorted.size(); i++) {
        long t = sorted.get(i).timestamp().toEpochMilli();
        int count = 0;
        for (int j = 0; j <= i; j++) {
          if (sorted.get(j).timestamp().toEpochMilli() > t - WINDOW_MILLIS) {
            count++;
          }
        }
        if (count > MAX_TRANSACTIONS) {
          flagged.add(sorted.get(i).transactionId());
        }
      }
    }
    return flagged;
  }

  /** What a naive job that counts in arrival order would flag: must differ, or the test is moot. */
  static Set<String> naiveInArrivalOrder(List<Transaction> arrivals) {
    Set<String> flagged = new HashSet<>();
    Map<String, List<Long>> seen = new java.util.HashMap<>();
    for (Transaction tx : arrivals) {
      List<Long> times = seen.computeIfAbsent(tx.accountId(), k -> new ArrayList<>());
      long t = tx.timestamp().toEpochMilli();
      times.add(t);
      long count = times.stream().filter(u -> u > t - WINDOW_MILLIS && u <= t).count();
      if (count > MAX_TRANSACTIONS) {
        flagged.add(tx.transactionId());
      }
    }
    return flagged;
  }

  @Test
  void flagsExactlyTheTransactionsOverTheLimitWhenEventsArriveOutOfOrder(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    TestTopics t = TestTopics.create(kafka(), "velocity", 2);
    client().publishRules(t.rules(), RuleSets.velocity(1, MAX_TRANSACTIONS, WINDOW_MILLIS / 1000));

    long base = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
    Random random = new Random(11);
    List<Transaction> txs = new ArrayList<>();
    for (String account : List.of("A", "B", "C", "D", "E", "F")) {
      long time = base;
      for (int i = 0; i < 30; i++) {
        time += 300 + random.nextInt(4000);
        txs.add(
            new Transaction(
                account + "-" + i,
                account,
                BigDecimal.TEN,
                "USD",
                "shop",
                "retail",
                "US",
                Instant.ofEpochMilli(time)));
      }
    }
    // Each transaction is sent up to 3 s late: within the job's 5 s out-of-orderness bound.
    Map<Transaction, Long> sendAt =
        txs.stream()
            .collect(
                Collectors.toMap(
                    tx -> tx, tx -> tx.timestamp().toEpochMilli() + random.nextInt(3000)));
    List<Transaction> arrivals = txs.stream().sorted(Comparator.comparing(sendAt::get)).toList();
    Set<String> expected = expectedInEventTimeOrder(txs);
    assertThat(expected).hasSizeGreaterThan(10);
    assertThat(naiveInArrivalOrder(arrivals)).isNotEqualTo(expected);

    client().sendTransactions(t.tx(), arrivals);
    // Event time moves past everything on both partitions.
    long later = base + 3_600_000;
    for (int p = 0; p < 2; p++) {
      Transaction flush =
          new Transaction(
              "flush-" + p,
              "flush-" + p,
              BigDecimal.ONE,
              null,
              null,
              null,
              null,
              Instant.ofEpochMilli(later));
      client().send(new ProducerRecord<>(t.tx(), p, null, FraudJson.write(flush)));
    }
    JobID job = JobRunner.submit(cluster, t.params("--max-out-of-orderness", "5000"), 2);

    List<FraudAlert> alerts = client().alertsSettled(t.alerts(), expected.size(), WAIT, SETTLE);

    assertThat(alerts).extracting(FraudAlert::alertId).doesNotHaveDuplicates();
    assertThat(alerts).allSatisfy(a -> assertThat(a.rule()).isEqualTo(RuleId.VELOCITY));
    assertThat(alerts).allSatisfy(a -> assertThat(a.rulesVersion()).isEqualTo(1));
    assertThat(
            alerts.stream().map(a -> a.transaction().transactionId()).collect(Collectors.toSet()))
        .isEqualTo(expected);
    assertThat(rest(cluster).numRestarts(job)).isZero();
  }

  @Test
  void keepsJudgingWhileAPartitionStaysIdle(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    TestTopics t = TestTopics.create(kafka(), "velocity-idle", 2);
    client().publishRules(t.rules(), RuleSets.velocity(1, 2, 60));
    long base = Instant.parse("2025-03-02T08:00:00Z").toEpochMilli();
    // Everything on partition 0; partition 1 never gets a record and would hold event time at
    // its minimum forever if it were not marked idle.
    for (int i = 0; i < 4; i++) {
      Transaction tx =
          new Transaction(
              "idle-" + i,
              "Z",
              BigDecimal.ONE,
              null,
              null,
              null,
              null,
              Instant.ofEpochMilli(base + i * 1000L));
      client().send(new ProducerRecord<>(t.tx(), 0, null, FraudJson.write(tx)));
    }
    Transaction flush =
        new Transaction(
            "idle-flush",
            "flush",
            BigDecimal.ONE,
            null,
            null,
            null,
            null,
            Instant.ofEpochMilli(base + 3_600_000));
    client().send(new ProducerRecord<>(t.tx(), 0, null, FraudJson.write(flush)));

    JobRunner.submit(cluster, t.params("--source-idleness", "1000"), 2);

    List<FraudAlert> alerts = client().alertsSettled(t.alerts(), 2, WAIT, SETTLE);
    assertThat(alerts)
        .extracting(FraudAlert::alertId)
        .containsExactlyInAnyOrder("idle-2:velocity", "idle-3:velocity");
  }
}
