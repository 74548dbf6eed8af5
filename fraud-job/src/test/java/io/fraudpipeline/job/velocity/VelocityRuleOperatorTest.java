package io.fraudpipeline.job.velocity;

import static io.fraudpipeline.job.rules.RuleSets.json;
import static io.fraudpipeline.job.rules.RuleSets.velocity;
import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

class VelocityRuleOperatorTest {

  private static final int MAX_PARALLELISM = 128;

  private static final class Harness
      extends KeyedTwoInputStreamOperatorTestHarness<String, Transaction, byte[], FraudAlert> {
    Harness(int parallelism, int index) throws Exception {
      super(
          new VelocityRuleOperator(null),
          Transaction::accountId,
          null,
          Types.STRING,
          MAX_PARALLELISM,
          parallelism,
          index);
    }

    void rules(byte[] json) throws Exception {
      processElement2(json, 0);
    }

    void send(Transaction tx) throws Exception {
      processElement1(tx, tx.timestamp().toEpochMilli());
    }

    void watermark(long time) throws Exception {
      processWatermark1(new Watermark(time));
    }

    long lateTransactions() {
      return ((VelocityRuleOperator) getOperator()).lateTransactionCount();
    }

    List<String> alertIds() {
      return extractOutputValues().stream().map(FraudAlert::alertId).toList();
    }
  }

  private static Transaction tx(String account, String id, long eventTime) {
    return new Transaction(
        id, account, BigDecimal.ONE, null, null, null, null, Instant.ofEpochMilli(eventTime));
  }

  private static Harness harness() throws Exception {
    return harness(1, 0, null);
  }

  /** Subtask {@code index} of {@code parallelism}, set up, restored and open. */
  private static Harness harness(int parallelism, int index, OperatorSubtaskState state)
      throws Exception {
    Harness harness = new Harness(parallelism, index);
    harness.setup();
    harness.initializeState(state);
    harness.open();
    // As in the job: the rules input is idle, so event time comes from the transactions alone.
    harness.processWatermarkStatus2(WatermarkStatus.IDLE);
    return harness;
  }

  /** Alert ids when the transactions arrive in this order and then the watermark passes them. */
  private static List<String> alertsFor(List<Transaction> arrivals) throws Exception {
    try (var harness = harness()) {
      harness.rules(json(velocity(1, 2, 10)));
      for (Transaction tx : arrivals) {
        harness.send(tx);
      }
      harness.watermark(100_000);
      return harness.alertIds().stream().sorted().toList();
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
      harness.rules(json(velocity(1, 1, 60)));
      harness.send(tx("A", "x1", 1_000));
      harness.send(tx("A", "x2", 2_000));
      assertThat(harness.extractOutputValues()).isEmpty();

      harness.watermark(1_999);
      assertThat(harness.extractOutputValues()).isEmpty();

      harness.watermark(2_000);
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
        harness.send(tx("A", "t" + i, 1_000 + i));
      }
      harness.watermark(10_000);
      assertThat(harness.extractOutputValues()).isEmpty();
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void forgetsAnAccountOnceItsWindowHasSlidPast() throws Exception {
    try (var harness = harness()) {
      harness.rules(json(velocity(1, 5, 10)));
      harness.send(tx("A", "t1", 1_000));
      harness.watermark(2_000);
      assertThat(harness.numKeyedStateEntries()).isPositive();

      harness.watermark(11_000);
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void countsATransactionBehindTheWatermarkOfTheCheckpointItsStateWasRestoredFromAsLate()
      throws Exception {
    // After a restore the operator's watermark starts again from nothing, but the windows it
    // restores were already evicted up to the one it had: a transaction behind that is judged
    // against a shortened window exactly as a late one is, and must be counted as one.
    OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      harness.rules(json(velocity(1, 5, 10)));
      harness.send(tx("A", "a1", 10_000));
      harness.watermark(10_000);
      snapshot = harness.snapshot(1, 1);
    }
    try (var harness = harness(1, 0, snapshot)) {
      harness.send(tx("A", "late", 5_000));
      assertThat(harness.lateTransactions()).isEqualTo(1);

      harness.send(tx("A", "on-time", 11_000));
      assertThat(harness.lateTransactions()).isEqualTo(1);
    }
  }

  @Test
  void aRestoreFromADrainedStopCountsLateBehindWhereItsInputEndedAndStillJudgesThem()
      throws Exception {
    // A drained stop's MAX_WATERMARK judged everything and emptied every window. Before, the
    // savepoint recorded that watermark, which a restore read as none known: nothing was late.
    OperatorSubtaskState drained;
    try (var harness = harness()) {
      harness.rules(json(velocity(1, 1, 10)));
      harness.send(tx("A", "a1", 10_000));
      harness.watermark(10_000);
      harness.watermark(Long.MAX_VALUE);
      drained = harness.snapshot(1, 1);
    }
    try (var harness = harness(1, 0, drained)) {
      harness.send(tx("A", "late-1", 5_000));
      harness.send(tx("A", "late-2", 6_000));
      assertThat(harness.lateTransactions()).isEqualTo(2);
      harness.send(tx("A", "on-time", 30_000));
      assertThat(harness.lateTransactions()).isEqualTo(2);

      // Late ones are judged all the same, against what the window holds.
      harness.watermark(30_000);
      assertThat(harness.alertIds()).containsExactly("late-2:velocity");
    }
  }

  @Test
  void aRestoreAfterRescalingCountsLateBehindTheLowestWatermarkOfTheSubtasks() throws Exception {
    List<OperatorSubtaskState> snapshots = new ArrayList<>();
    long[] watermarks = {10_000, 20_000};
    for (int index = 0; index < 2; index++) {
      try (var harness = harness(2, index, null)) {
        harness.rules(json(velocity(1, 5, 10)));
        harness.watermark(watermarks[index]);
        snapshots.add(harness.snapshot(1, 1));
      }
    }
    OperatorSubtaskState merged =
        AbstractStreamOperatorTestHarness.repackageState(
            snapshots.toArray(OperatorSubtaskState[]::new));
    OperatorSubtaskState whole =
        AbstractStreamOperatorTestHarness.repartitionOperatorState(
            merged, MAX_PARALLELISM, 2, 1, 0);
    try (var harness = harness(1, 0, whole)) {
      harness.send(tx("A", "behind-both", 9_000));
      harness.send(tx("A", "behind-one", 15_000));
      assertThat(harness.lateTransactions()).isEqualTo(1);
    }
  }

  @Test
  void carriesTheRestoredWatermarkIntoItsNextCheckpointUntilItsOwnPassesIt() throws Exception {
    OperatorSubtaskState first;
    try (var harness = harness()) {
      harness.rules(json(velocity(1, 5, 10)));
      harness.watermark(10_000);
      first = harness.snapshot(1, 1);
    }
    OperatorSubtaskState second;
    try (var harness = harness(1, 0, first)) {
      second = harness.snapshot(2, 2); // no watermark of its own yet
    }
    try (var harness = harness(1, 0, second)) {
      harness.send(tx("A", "late", 9_000));
      assertThat(harness.lateTransactions()).isEqualTo(1);
    }
  }

  /**
   * The state of the build before this operator, when {@code velocity-rule} was Flink's keyed
   * broadcast operator running {@code VelocityRuleFunction}: written by that build (a harness of
   * its function, max parallelism 128, with {@code OperatorSnapshotUtil.writeStateHandle}) after
   * rules {@code velocity(1, 2, 10)}, a1 at 1 s and a2 at 2 s of account A, watermark 2.5 s, then
   * a3 at 3 s of A and b1 at 2.6 s of B, both still waiting. It has no watermark-at-checkpoint.
   */
  private static OperatorSubtaskState stateOfTheFunctionBuild() throws Exception {
    URL resource =
        VelocityRuleOperatorTest.class.getResource("/velocity/velocity-rule-function.snapshot");
    assertThat(resource).isNotNull();
    return OperatorSnapshotUtil.readStateHandle(Path.of(resource.toURI()).toString());
  }

  @Test
  void restoresTheStateOfTheFunctionItReplaced() throws Exception {
    try (var harness = harness(1, 0, stateOfTheFunctionBuild())) {
      // Without its watermark in the state, nothing before the operator's own is known late.
      harness.send(tx("C", "before-the-restore", 2_000));
      assertThat(harness.lateTransactions()).isZero();

      // Its rules (version 1, more than 2 in 10 s), A's window (a1, a2) and the waiting a3 and b1
      // with their timers: a3 is the third of A within 10 s.
      harness.watermark(3_000);
      assertThat(harness.extractOutputValues())
          .singleElement()
          .satisfies(
              alert -> {
                assertThat(alert.alertId()).isEqualTo("a3:velocity");
                assertThat(alert.rulesVersion()).isEqualTo(1);
                assertThat(alert.parameters()).containsEntry("count", 3);
              });
      // The cleanup timers came along too: A is forgotten once its window slid past a3.
      harness.watermark(13_000);
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }
}
