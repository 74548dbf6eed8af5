package io.fraudpipeline.job.velocity;

import static io.fraudpipeline.job.rules.RuleSets.json;
import static io.fraudpipeline.job.rules.RuleSets.velocity;
import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.rules.AppliedRules;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class VelocityRuleFunctionTest {

  private static Transaction tx(String account, String id, long eventTime) {
    return new Transaction(
        id, account, BigDecimal.ONE, null, null, null, null, Instant.ofEpochMilli(eventTime));
  }

  private static KeyedBroadcastOperatorTestHarness<String, Transaction, byte[], FraudAlert>
      harness() throws Exception {
    var harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new VelocityRuleFunction(null),
            Transaction::accountId,
            Types.STRING,
            AppliedRules.STATE);
    // As in the job: the rules input is idle, so event time comes from the transactions alone.
    harness.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.IDLE);
    return harness;
  }

  private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> harness) {
    return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  /** Alert ids when the transactions arrive in this order and then the watermark passes them. */
  private static List<String> alertsFor(List<Transaction> arrivals) throws Exception {
    try (var harness = harness()) {
      harness.processBroadcastElement(json(velocity(1, 2, 10)), 0);
      for (Transaction tx : arrivals) {
        harness.processElement(tx, tx.timestamp().toEpochMilli());
      }
      harness.processWatermark(100_000);
      return harness.extractOutputValues().stream().map(FraudAlert::alertId).sorted().toList();
    }
  }

  @Test
  void flagsTheTransactionThatExceedsTheLimitWithinTheSlidingWindow() throws Exception {
    // More than 2 within 10 s: a1..a3 (3 within 2 s) and a6 ((7 s, 17 s] holds a4, a5, a6).
    List<Transaction> inOrder =
        List.of(
            tx("A", "a1", 1_000),
            tx("A", "a2", 2_000),
            tx("A", "a3", 3_000),
            tx("B", "b1", 3_500),
            tx("A", "a4", 15_000),
            tx("A", "a5", 16_000),
            tx("A", "a6", 17_000),
            tx("A", "a7", 40_000));
    assertThat(alertsFor(inOrder)).containsExactly("a3:velocity", "a6:velocity");
  }

  @Test
  void judgesInEventTimeOrderWhateverTheArrivalOrder() throws Exception {
    List<Transaction> inOrder = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      inOrder.add(tx(i % 3 == 0 ? "A" : "B", "t" + i, 1_000L * i + (i % 5) * 700L));
    }
    List<String> expected = alertsFor(inOrder);
    assertThat(expected).isNotEmpty();
    Random random = new Random(42);
    for (int round = 0; round < 5; round++) {
      List<Transaction> shuffled = new ArrayList<>(inOrder);
      Collections.shuffle(shuffled, random);
      assertThat(alertsFor(shuffled)).isEqualTo(expected);
    }
  }

  @Test
  void holdsTransactionsUntilTheWatermarkPassesThem() throws Exception {
    try (var harness = harness()) {
      harness.processBroadcastElement(json(velocity(1, 1, 60)), 0);
      harness.processElement(tx("A", "x1", 1_000), 1_000);
      harness.processElement(tx("A", "x2", 2_000), 2_000);
      assertThat(harness.extractOutputValues()).isEmpty();

      harness.processWatermark(1_999);
      assertThat(harness.extractOutputValues()).isEmpty();

      harness.processWatermark(2_000);
      assertThat(harness.extractOutputValues())
          .singleElement()
          .satisfies(
              alert -> {
                assertThat(alert.alertId()).isEqualTo("x2:velocity");
                assertThat(alert.rulesVersion()).isEqualTo(1);
                assertThat(alert.parameters()).containsEntry("count", 2);
              });
    }
  }

  @Test
  void staysSilentAndKeepsNoStateWhileTheRuleIsDisabled() throws Exception {
    try (var harness = harness()) {
      for (int i = 0; i < 20; i++) {
        harness.processElement(tx("A", "t" + i, 1_000 + i), 1_000 + i);
      }
      harness.processWatermark(10_000);
      assertThat(harness.extractOutputValues()).isEmpty();
      assertThat(keyedStateEntries(harness)).isZero();
    }
  }

  @Test
  void forgetsAnAccountOnceItsWindowHasSlidPast() throws Exception {
    try (var harness = harness()) {
      harness.processBroadcastElement(json(velocity(1, 5, 10)), 0);
      harness.processElement(tx("A", "t1", 1_000), 1_000);
      harness.processWatermark(2_000);
      assertThat(keyedStateEntries(harness)).isPositive();

      harness.processWatermark(11_000);
      assertThat(keyedStateEntries(harness)).isZero();
    }
  }
}
