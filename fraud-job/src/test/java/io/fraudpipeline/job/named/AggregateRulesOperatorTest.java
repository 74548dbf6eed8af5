package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.RuleState;
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
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AggregateRulesOperatorTest {

  private static final class Harness
      extends KeyedTwoInputStreamOperatorTestHarness<
          String, GroupedTransaction, byte[], FraudAlert> {
    Harness(AggregateRulesOperator operator, int parallelism, int index) throws Exception {
      super(
          operator,
          GroupedTransaction::key,
          null,
          Types.STRING,
          MAX_PARALLELISM,
          parallelism,
          index);
    }
  }

  /** Rule {@code burst} per account: {@code function(field) >= limit} over {@code window}. */
  private static NamedRule burst(String function, String field, int limit, String window) {
    return new NamedRule(
        "burst",
        "Burst",
        null,
        "aggregate",
        field,
        ">=",
        new BigDecimal(limit),
        null,
        List.of("account_id"),
        function,
        window);
  }

  private static final NamedRule COUNT_3_PER_MINUTE = burst("count", null, 3, "PT1M");

  private static Transaction tx(String id, String account, long seconds) {
    return new Transaction(
        id,
        account,
        BigDecimal.TEN,
        "EUR",
        "m1",
        "shop",
        "fr",
        Instant.ofEpochMilli(Generated.START + 1000 * seconds));
  }

  private static RuleSet ruleSet(long version, List<NamedRule> rules) {
    return new RuleSet(version, null, null, null, null, null, rules);
  }

  private static Harness harness() throws Exception {
    return harness(1, 0, null);
  }

  /** Subtask {@code index} of {@code parallelism}, set up, restored and open. */
  private static Harness harness(
      int parallelism, int index, org.apache.flink.runtime.checkpoint.OperatorSubtaskState state)
      throws Exception {
    Harness harness = new Harness(new AggregateRulesOperator(null), parallelism, index);
    harness.setup();
    harness.initializeState(state);
    harness.open();
    // As in the job: the rules input is idle, so event time comes from the transactions alone.
    harness.processWatermarkStatus2(WatermarkStatus.IDLE);
    return harness;
  }

  private static final int MAX_PARALLELISM = 128;

  private static void rules(Harness harness, RuleSet rules) throws Exception {
    harness.processElement2(FraudJson.write(rules), 0);
  }

  private static void watermark(Harness harness, long time) throws Exception {
    harness.processWatermark1(new Watermark(time));
  }

  /** What evaluate-rules does upstream: the transaction once per group_by of the rule set. */
  private static void send(Harness harness, RuleSet rules, Transaction tx) throws Exception {
    for (GroupedTransaction g : new CompiledRules(rules).groupings(tx)) {
      harness.processElement1(g, tx.timestamp().toEpochMilli());
    }
  }

  /** Transactions held for the rules' windows, over all groups. */
  @SuppressWarnings("unchecked")
  private static int held(Harness harness) throws Exception {
    KeyedStateBackend<String> backend =
        (KeyedStateBackend<String>) (Object) harness.getOperator().getKeyedStateBackend();
    Object before = backend.getCurrentKey();
    List<String> keys =
        backend.getKeys(AggregateRulesOperator.GROUPS.getName(), VoidNamespace.INSTANCE).toList();
    int held = 0;
    for (String key : keys) {
      backend.setCurrentKey(key);
      ValueState<GroupState> state =
          backend.getPartitionedState(
              VoidNamespace.INSTANCE,
              VoidNamespaceSerializer.INSTANCE,
              AggregateRulesOperator.GROUPS);
      GroupState group = state.value();
      held += group == null ? 0 : group.held.size();
    }
    if (before != null) {
      backend.setCurrentKey((String) before);
    }
    return held;
  }

  /** Keyed state entries of any kind (pending transactions, windows), over all groups. */
  private static int keyedStateEntries(Harness harness) {
    return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  private static long lateTransactions(Harness harness) {
    return ((AggregateRulesOperator) harness.getOperator()).lateTransactionCount();
  }

  private static List<String> alertIds(List<FraudAlert> alerts) {
    return alerts.stream().map(FraudAlert::alertId).sorted().toList();
  }

  /** Count rules per account, per merchant and per category: three groupings per transaction. */
  private static final RuleSet THREE_GROUPINGS =
      ruleSet(
          1,
          List.of(
              grouped("per-account", "account_id"),
              grouped("per-merchant", "merchant"),
              grouped("per-category", "merchant_category")));

  private static NamedRule grouped(String id, String groupBy) {
    return new NamedRule(
        id,
        id,
        null,
        "aggregate",
        null,
        ">=",
        new BigDecimal(100),
        null,
        List.of(groupBy),
        "count",
        "PT1M");
  }

  @Test
  void countsALateTransactionOnceWhateverItsNumberOfGroupings() throws Exception {
    try (var harness = harness()) {
      rules(harness, THREE_GROUPINGS);
      assertThat(new CompiledRules(THREE_GROUPINGS).groupings(tx("on-time", "A", 10))).hasSize(3);
      send(harness, THREE_GROUPINGS, tx("on-time", "A", 10));
      watermark(harness, Generated.START + 10_000);
      assertThat(lateTransactions(harness)).isZero();

      send(harness, THREE_GROUPINGS, tx("late", "A", 5));

      assertThat(lateTransactions(harness)).isEqualTo(1);
    }
  }

  @Test
  void countsATransactionBehindTheWatermarkOfTheCheckpointItsStateWasRestoredFromAsLate()
      throws Exception {
    // After a restore the operator's watermark starts again from nothing, but the windows it
    // restores were already evicted up to the one it had: a transaction behind that is judged
    // against a shortened window exactly as a late one is, and must be counted as one.
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      rules(harness, set);
      send(harness, set, tx("a1", "A", 10));
      watermark(harness, Generated.START + 10_000);
      snapshot = harness.snapshot(1, 1);
    }
    try (var harness = harness(1, 0, snapshot)) {
      send(harness, set, tx("late", "A", 5));
      assertThat(lateTransactions(harness)).isEqualTo(1);

      send(harness, set, tx("on-time", "A", 11));
      assertThat(lateTransactions(harness)).isEqualTo(1);
    }
  }

  @Test
  void aRestoreFromADrainedStopCountsLateBehindWhereItsInputEnded() throws Exception {
    // A drained stop's MAX_WATERMARK judged everything and emptied every window. Before, the
    // savepoint recorded that watermark, which a restore read as none known: nothing was late.
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    OperatorSubtaskState drained;
    try (var harness = harness()) {
      rules(harness, set);
      send(harness, set, tx("a1", "A", 10));
      watermark(harness, Generated.START + 10_000);
      watermark(harness, Long.MAX_VALUE);
      drained = harness.snapshot(1, 1);
    }
    try (var harness = harness(1, 0, drained)) {
      send(harness, set, tx("late", "A", 5));
      assertThat(lateTransactions(harness)).isEqualTo(1);

      send(harness, set, tx("on-time", "A", 11));
      assertThat(lateTransactions(harness)).isEqualTo(1);
    }
  }

  @Test
  void aRestoreAfterRescalingCountsLateBehindTheLowestWatermarkOfTheSubtasks() throws Exception {
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    List<OperatorSubtaskState> snapshots = new ArrayList<>();
    long[] watermarks = {Generated.START + 10_000, Generated.START + 20_000};
    for (int index = 0; index < 2; index++) {
      try (var harness = harness(2, index, null)) {
        rules(harness, set);
        watermark(harness, watermarks[index]);
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
      send(harness, set, tx("behind-both", "A", 9));
      send(harness, set, tx("behind-one", "A", 15));
      assertThat(lateTransactions(harness)).isEqualTo(1);
    }
  }

  @Test
  void countsALateTransactionOnceWhenItsGroupingsLandOnDifferentSubtasks() throws Exception {
    int parallelism = 2;
    List<Harness> subtasks = new ArrayList<>();
    try {
      for (int index = 0; index < parallelism; index++) {
        Harness subtask = harness(parallelism, index, null);
        subtasks.add(subtask);
        rules(subtask, THREE_GROUPINGS);
        watermark(subtask, Generated.START + 10_000);
      }
      Set<Integer> reached = new HashSet<>();
      Transaction late = tx("late", "B", 5);
      for (GroupedTransaction g : new CompiledRules(THREE_GROUPINGS).groupings(late)) {
        int index =
            KeyGroupRangeAssignment.assignKeyToParallelOperator(
                g.key(), MAX_PARALLELISM, parallelism);
        reached.add(index);
        subtasks.get(index).processElement1(g, late.timestamp().toEpochMilli());
      }
      assertThat(reached).as("subtasks its groupings went to").hasSize(parallelism);

      long counted = 0;
      for (Harness subtask : subtasks) {
        counted += lateTransactions(subtask);
      }
      assertThat(counted).isEqualTo(1);
    } finally {
      for (Harness subtask : subtasks) {
        subtask.close();
      }
    }
  }

  @Test
  void agreesWithTheBruteForceReferenceWhenTransactionsArriveOutOfOrder() throws Exception {
    int alertsSeen = 0;
    for (long seed = 1; seed <= 25; seed++) {
      alertsSeen += judgeAgainstTheBruteForceReference(seed, 120, 1);
    }
    assertThat(alertsSeen).isGreaterThan(300);
  }

  /**
   * Watermarks that each release many transactions, of keys that repeat among them and of keys the
   * first of them creates: the operator reads their state ahead in batches before judging any, more
   * than one batch per watermark.
   */
  @Test
  void agreesWithTheBruteForceReferenceWhenAWatermarkReleasesManyTransactionsAtOnce()
      throws Exception {
    int batch = AggregateRulesOperator.READ_AHEAD;
    int alertsSeen = 0;
    for (long seed = 101; seed <= 115; seed++) {
      alertsSeen += judgeAgainstTheBruteForceReference(seed, 3 * batch, batch + batch / 2 + 1);
    }
    assertThat(alertsSeen).isGreaterThan(150);
  }

  /**
   * Probe 8's case (P8-1) within the out-of-orderness bound: count_distinct of a field with
   * repeated values per account beside other functions over the same grouping and window,
   * watermarks that each jump across many keys' eviction times while releasing their waiting
   * transactions, and the state snapshotted and restored into a new operator between watermarks
   * (windows, timers and the waiting queue; the operator's watermark starts again from nothing).
   */
  @Test
  void agreesWithTheBruteForceReferenceAcrossRestoresAndWatermarksThatJumpPastEvictionTimes()
      throws Exception {
    int alertsSeen = 0;
    for (long seed = 201; seed <= 215; seed++) {
      alertsSeen += judgeAgainstTheBruteForceReference(seed, 300, 37, 2, SPREE);
    }
    assertThat(alertsSeen).isGreaterThan(300);
  }

  /** Probe 8's rules, over the generator's short span: count_distinct and min per account. */
  private static final List<NamedRule> SPREE =
      List.of(
          new NamedRule(
              "spree",
              "Spree",
              "shadow",
              "aggregate",
              "merchant",
              ">=",
              new BigDecimal(3),
              null,
              List.of("account_id"),
              "count_distinct",
              "PT1M"),
          new NamedRule(
              "spree-min",
              "Spree min",
              null,
              "aggregate",
              "amount",
              ">",
              new BigDecimal(100),
              null,
              List.of("account_id"),
              "min",
              "PT1M"));

  /**
   * Sends {@code count} generated transactions (over 600 s of event time), out of order, with a
   * watermark after every {@code watermarkEvery} of them, and checks the alerts against the
   * brute-force reference.
   *
   * @return how many alerts the operator raised
   */
  private static int judgeAgainstTheBruteForceReference(long seed, int count, int watermarkEvery)
      throws Exception {
    return judgeAgainstTheBruteForceReference(seed, count, watermarkEvery, 0, List.of());
  }

  /**
   * As above, with {@code extra} rules beside the generated ones and, when {@code restoreEvery} is
   * above 0, the operator's state snapshotted after every {@code restoreEvery}-th watermark and
   * restored into a new operator that goes on with the rest.
   */
  private static int judgeAgainstTheBruteForceReference(
      long seed, int count, int watermarkEvery, int restoreEvery, List<NamedRule> extra)
      throws Exception {
    long maxDelayMillis = 20_000;
    Random random = new Random(seed);
    List<NamedRule> rules = new ArrayList<>(Generated.rules(random, 6));
    rules.addAll(extra);
    RuleSet set = ruleSet(1, rules);
    List<Transaction> txs = Generated.transactions(random, count, 600);
    // Arrival order: each transaction delayed by up to maxDelay, as a bounded-out-of-orderness
    // source allows; the watermark trails the newest event time by that bound, so none is late.
    List<long[]> arrival = new ArrayList<>();
    for (int i = 0; i < txs.size(); i++) {
      long at =
          txs.get(i).timestamp().toEpochMilli() + (long) (random.nextDouble() * maxDelayMillis);
      arrival.add(new long[] {at, i});
    }
    arrival.sort(Comparator.comparingLong(a -> a[0]));
    List<FraudAlert> alerts = new ArrayList<>();
    int stateLeft;
    long late;
    Harness harness = harness();
    try {
      rules(harness, set);
      long newest = Long.MIN_VALUE;
      int sent = 0;
      int watermarks = 0;
      for (long[] a : arrival) {
        Transaction tx = txs.get((int) a[1]);
        send(harness, set, tx);
        newest = Math.max(newest, tx.timestamp().toEpochMilli());
        if (++sent % watermarkEvery == 0) {
          watermark(harness, newest - maxDelayMillis - 1);
          if (restoreEvery > 0 && ++watermarks % restoreEvery == 0) {
            OperatorSubtaskState snapshot = harness.snapshot(watermarks, watermarks);
            alerts.addAll(harness.extractOutputValues());
            harness.close();
            harness = harness(1, 0, snapshot);
          }
        }
      }
      watermark(harness, Long.MAX_VALUE);
      alerts.addAll(harness.extractOutputValues());
      stateLeft = keyedStateEntries(harness);
      late = lateTransactions(harness);
    } finally {
      harness.close();
    }
    List<BruteForce.Expected> actual =
        alerts.stream()
            .map(
                x ->
                    new BruteForce.Expected(x.ruleId(), x.transaction().transactionId(), x.value()))
            .toList();
    List<BruteForce.Expected> expected = BruteForce.alerts(rules, txs);
    assertThat(NamedRuleEvaluatorTest.sorted(actual))
        .as("seed %d", seed)
        .isEqualTo(
            NamedRuleEvaluatorTest.sorted(
                expected.stream()
                    .filter(
                        e ->
                            rules.stream()
                                .anyMatch(
                                    r -> r.id().equals(e.ruleId()) && "aggregate".equals(r.kind())))
                    .toList()));
    for (FraudAlert alert : alerts) {
      NamedRule rule =
          rules.stream().filter(r -> r.id().equals(alert.ruleId())).findFirst().orElseThrow();
      assertThat(alert.ruleState()).isEqualTo(rule.stateValue());
      assertThat(alert.window()).isEqualTo(rule.window());
      assertThat(alert.rulesVersion()).isEqualTo(1);
    }
    assertThat(stateLeft).as("state left after the end of time").isZero();
    assertThat(late).as("late transactions").isZero();
    return alerts.size();
  }

  @Test
  void anAlertNamesTheRuleItsGroupTheValueAndTheWindow() throws Exception {
    RuleSet set = ruleSet(4, List.of(COUNT_3_PER_MINUTE));
    try (var harness = harness()) {
      rules(harness, set);
      for (int i = 0; i < 3; i++) {
        send(harness, set, tx("x" + i, "A", 10 + i));
      }
      watermark(harness, Generated.START + 20_000);
      FraudAlert alert = harness.extractOutputValues().get(0);
      assertThat(alert.alertId()).isEqualTo("x2:burst");
      assertThat(alert.ruleId()).isEqualTo("burst");
      assertThat(alert.ruleName()).isEqualTo("Burst");
      assertThat(alert.rulesVersion()).isEqualTo(4);
      assertThat(alert.groupKey()).isEqualTo(Map.of("account_id", "A"));
      assertThat(alert.value()).isEqualByComparingTo("3");
      assertThat(alert.window()).isEqualTo("PT1M");
      assertThat(alert.ruleState()).isEqualTo(RuleState.ACTIVE);
      assertThat(harness.extractOutputValues()).hasSize(1);
    }
  }

  @Test
  void dropsWhatOnlyADeletedRuleNeededFromEveryGroupAtOnce() throws Exception {
    NamedRule hourlySpend =
        new NamedRule(
            "spend",
            null,
            "shadow",
            "aggregate",
            "amount",
            ">",
            new BigDecimal(1000),
            null,
            List.of("account_id"),
            "sum",
            "PT1H");
    RuleSet both = ruleSet(1, List.of(COUNT_3_PER_MINUTE, hourlySpend));
    try (var harness = harness()) {
      rules(harness, both);
      send(harness, both, tx("a1", "A", 0));
      send(harness, both, tx("b1", "B", 0));
      send(harness, both, tx("a2", "A", 90));
      send(harness, both, tx("b2", "B", 90));
      watermark(harness, Generated.START + 90_000);
      // The hourly rule keeps both transactions of each group.
      assertThat(held(harness)).isEqualTo(4);

      // Only the minute is left: what lies before it goes, in every group, without a transaction.
      rules(harness, ruleSet(2, List.of(COUNT_3_PER_MINUTE)));
      assertThat(held(harness)).isEqualTo(2);

      rules(harness, ruleSet(3, List.of()));
      assertThat(held(harness)).isZero();
      assertThat(keyedStateEntries(harness)).isZero();
    }
  }

  @Test
  void aChangedRuleEvaluatesWhatItsGroupAlreadyHolds() throws Exception {
    try (var harness = harness()) {
      RuleSet v1 = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
      rules(harness, v1);
      send(harness, v1, tx("a1", "A", 1));
      send(harness, v1, tx("a2", "A", 2));
      watermark(harness, Generated.START + 2_000);

      NamedRule lower = burst("count", null, 2, "PT1M");
      RuleSet v2 = ruleSet(2, List.of(lower));
      rules(harness, v2);
      send(harness, v2, tx("a3", "A", 3));
      watermark(harness, Generated.START + 3_000);
      assertThat(alertIds(harness.extractOutputValues())).containsExactly("a3:burst");
      assertThat(harness.extractOutputValues().get(0).value()).isEqualByComparingTo("3");

      // Another function over the same window: the group's transactions are still there.
      NamedRule total = burst("sum", "amount", 40, "PT1M");
      RuleSet v3 = ruleSet(3, List.of(total));
      rules(harness, v3);
      send(harness, v3, tx("a4", "A", 4));
      watermark(harness, Generated.START + 4_000);
      assertThat(alertIds(harness.extractOutputValues())).containsExactly("a3:burst", "a4:burst");
      assertThat(harness.extractOutputValues().get(1).value()).isEqualByComparingTo("40");
    }
  }

  @Test
  void evictsAGroupsWindowOnceItHasSlidPastItsNewestTransaction() throws Exception {
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    try (var harness = harness()) {
      rules(harness, set);
      send(harness, set, tx("a1", "A", 0));
      send(harness, set, tx("a2", "A", 30));
      watermark(harness, Generated.START + 30_000);
      assertThat(held(harness)).isEqualTo(2);
      watermark(harness, Generated.START + 60_000);
      assertThat(held(harness)).isEqualTo(1);
      watermark(harness, Generated.START + 89_999);
      assertThat(held(harness)).isEqualTo(1);
      watermark(harness, Generated.START + 90_000);
      assertThat(held(harness)).isZero();
      assertThat(keyedStateEntries(harness)).isZero();
    }
  }

  @Test
  void evictsAWindowThatARuleChangeWidenedOnceTheWiderWindowHasSlidPast() throws Exception {
    RuleSet v1 = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    NamedRule hourly = burst("count", null, 3, "PT1H");
    try (var harness = harness()) {
      rules(harness, v1);
      send(harness, v1, tx("a1", "A", 0));
      watermark(harness, Generated.START);
      // Only the window changes, so the entries stay: no transaction of the group follows.
      rules(harness, ruleSet(2, List.of(hourly)));
      watermark(harness, Generated.START + 60_000);
      assertThat(held(harness)).isEqualTo(1);
      watermark(harness, Generated.START + 3_599_999);
      assertThat(held(harness)).isEqualTo(1);
      watermark(harness, Generated.START + 3_600_000);
      assertThat(held(harness)).isZero();
      assertThat(keyedStateEntries(harness)).isZero();
    }
  }

  @Test
  void aPausedRuleRaisesNothingAndKeepsNoState() throws Exception {
    NamedRule paused =
        new NamedRule(
            "burst",
            null,
            "paused",
            "aggregate",
            null,
            ">=",
            BigDecimal.ONE,
            null,
            List.of("account_id"),
            "count",
            "PT1M");
    RuleSet set = ruleSet(1, List.of(paused));
    assertThat(new CompiledRules(set).groupings(tx("a1", "A", 0))).isEmpty();
    try (var harness = harness()) {
      rules(harness, set);
      // Even a transaction routed under an older rule set finds no rule to feed.
      harness.processElement1(
          new GroupedTransaction("account_id", "account_id\0A", tx("a1", "A", 0)), Generated.START);
      watermark(harness, Generated.START + 1);
      assertThat(harness.extractOutputValues()).isEmpty();
      assertThat(keyedStateEntries(harness)).isZero();
    }
  }

  @Test
  void aTransactionNoRuleJudgesLeavesNoStateAndNoTimer() throws Exception {
    NamedRule gambling =
        new NamedRule(
            "gambling-burst",
            null,
            "active",
            "aggregate",
            null,
            ">=",
            BigDecimal.ONE,
            Map.of("merchant_category", "gambling"),
            List.of("account_id"),
            "count",
            "PT1M");
    RuleSet set = ruleSet(1, List.of(gambling));
    try (var harness = harness()) {
      rules(harness, set);
      send(harness, set, tx("a1", "A", 0)); // category "shop": routed by key, taken by no rule
      watermark(harness, Generated.START + 1);

      assertThat(harness.extractOutputValues()).isEmpty();
      assertThat(keyedStateEntries(harness)).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void restoresWindowsAndRulesFromASnapshot() throws Exception {
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      rules(harness, set);
      send(harness, set, tx("a1", "A", 1));
      send(harness, set, tx("a2", "A", 2));
      watermark(harness, Generated.START + 2_000);
      snapshot = harness.snapshot(1, 1);
    }
    try (var harness = harness(1, 0, snapshot)) {
      send(harness, set, tx("a3", "A", 3));
      watermark(harness, Generated.START + 3_000);
      assertThat(alertIds(harness.extractOutputValues())).containsExactly("a3:burst");
    }
  }

  @Test
  void
      transactionsWaitingForTheWatermarkAtACheckpointAreJudgedByTheSubtaskOwningTheirKeyAfterRescaling()
          throws Exception {
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    List<String> accounts = List.of("A", "B", "C", "D", "E", "F", "G", "H");
    org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      rules(harness, set);
      for (String account : accounts) {
        send(harness, set, tx(account + "1", account, 1));
        send(harness, set, tx(account + "2", account, 2));
      }
      watermark(harness, Generated.START + 2_000);
      for (String account : accounts) {
        send(harness, set, tx(account + "3", account, 3));
      }
      snapshot = harness.snapshot(1, 1);
      assertThat(harness.extractOutputValues()).isEmpty();
    }

    List<FraudAlert> alerts = new ArrayList<>();
    for (int index = 0; index < 2; index++) {
      var part =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(
              snapshot, MAX_PARALLELISM, 1, 2, index);
      try (var harness = harness(2, index, part)) {
        watermark(harness, Generated.START + 3_000);
        alerts.addAll(harness.extractOutputValues());
      }
    }
    assertThat(alertIds(alerts))
        .containsExactlyElementsOf(accounts.stream().map(a -> a + "3:burst").toList());
  }

  /** How many list elements {@code snapshot} holds of the operator list state {@code name}. */
  private static int listElements(OperatorSubtaskState snapshot, String name) {
    int elements = 0;
    for (OperatorStateHandle handle : snapshot.getManagedOperatorState()) {
      OperatorStateHandle.StateMetaInfo info = handle.getStateNameToPartitionOffsets().get(name);
      elements += info == null ? 0 : info.getOffsets().length;
    }
    return elements;
  }

  @Test
  void aCheckpointWritesTheWaitingTransactionsAsOneListElement() throws Exception {
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    try (var harness = harness()) {
      rules(harness, set);
      OperatorSubtaskState idle = harness.snapshot(1, 1);
      for (int i = 0; i < 50; i++) {
        send(harness, set, tx("t" + i, "acc-" + (i % 7), i));
      }
      OperatorSubtaskState busy = harness.snapshot(2, 2);

      assertThat(listElements(idle, AggregateRulesOperator.WAITING.getName())).isZero();
      assertThat(listElements(busy, AggregateRulesOperator.WAITING.getName())).isEqualTo(1);
      assertThat(listElements(busy, AggregateRulesOperator.WAITING_PER_TRANSACTION.getName()))
          .isZero();
    }
  }

  @Test
  void restoresTransactionsWaitingInTheFormerLayoutOfOneElementEachAndWritesThemInTheNewOne()
      throws Exception {
    RuleSet set = ruleSet(1, List.of(COUNT_3_PER_MINUTE));
    List<String> accounts = List.of("A", "B", "C", "D", "E", "F", "G", "H");
    OperatorSubtaskState former;
    try (var harness = harness()) {
      // What a build before the batched layout wrote: each waiting transaction on its own.
      ListState<GroupedTransaction> perTransaction =
          harness
              .getOperator()
              .getOperatorStateBackend()
              .getUnionListState(AggregateRulesOperator.WAITING_PER_TRANSACTION);
      for (String account : accounts) {
        for (int second = 1; second <= 3; second++) {
          for (GroupedTransaction g :
              new CompiledRules(set).groupings(tx(account + second, account, second))) {
            perTransaction.add(g);
          }
        }
      }
      former = harness.snapshot(1, 1);
    }
    assertThat(listElements(former, AggregateRulesOperator.WAITING_PER_TRANSACTION.getName()))
        .isEqualTo(3 * accounts.size());

    List<FraudAlert> alerts = new ArrayList<>();
    for (int index = 0; index < 2; index++) {
      var part =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(
              former, MAX_PARALLELISM, 1, 2, index);
      OperatorSubtaskState rewritten;
      try (var harness = harness(2, index, part)) {
        rules(harness, set);
        rewritten = harness.snapshot(2, 2);
      }
      // Only the new layout, with this subtask's share: restored again, nothing is judged twice.
      assertThat(listElements(rewritten, AggregateRulesOperator.WAITING_PER_TRANSACTION.getName()))
          .isZero();
      try (var harness = harness(2, index, rewritten)) {
        watermark(harness, Generated.START + 3_000);
        alerts.addAll(harness.extractOutputValues());
      }
    }
    assertThat(alertIds(alerts))
        .containsExactlyInAnyOrderElementsOf(accounts.stream().map(a -> a + "3:burst").toList());
  }
}
