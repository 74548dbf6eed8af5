package io.fraudpipeline.job.rules;

import static io.fraudpipeline.job.rules.RuleSets.json;
import static io.fraudpipeline.job.rules.RuleSets.threshold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleId;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.FlinkRuntimeException;
import org.junit.jupiter.api.Test;

class RuleEvaluationOperatorTest {

  private static Transaction tx(String id, String amount, String category) {
    return new Transaction(
        id,
        "acc-" + id,
        new BigDecimal(amount),
        "USD",
        "shop",
        category,
        "US",
        Instant.ofEpochMilli(1_000));
  }

  /** A feed the test publishes to by hand, as the Kafka feed's thread would. */
  private static final class ManualFeed implements RuleSetFeed {
    transient RuleSetFeed.Listener listener;

    @Override
    public AutoCloseable follow(String name, Listener listener) {
      this.listener = listener;
      return () -> this.listener = null;
    }
  }

  /** The operator under Flink's test harness, with rule sets published through its feed. */
  private static final class Harness implements AutoCloseable {
    final ManualFeed feed = new ManualFeed();
    final OneInputStreamOperatorTestHarness<Transaction, FraudAlert> flink;

    Harness(byte[] initialRules, OperatorSubtaskState restored) throws Exception {
      flink =
          new OneInputStreamOperatorTestHarness<>(
              new RuleEvaluationOperatorFactory(initialRules, feed), 1, 1, 0);
      flink.setup();
      if (restored != null) {
        flink.initializeState(restored);
      }
      flink.open();
    }

    void processElement(Transaction tx, long timestamp) throws Exception {
      flink.processElement(tx, timestamp);
    }

    /** Publishes on the feed, as the feed's thread would, then runs the task's mailbox. */
    void publish(byte[] json) throws Exception {
      feed.listener.ruleSet(json);
      runMailbox();
    }

    /** Runs what the feed put into the task's mailbox, as the task thread would. */
    void runMailbox() throws Exception {
      Optional<Mail> mail;
      while ((mail = flink.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)).isPresent()) {
        mail.get().run();
      }
    }

    List<FraudAlert> extractOutputValues() {
      return flink.extractOutputValues();
    }

    OperatorSubtaskState snapshot() throws Exception {
      return flink.snapshot(1, 1);
    }

    @Override
    public void close() throws Exception {
      flink.close();
    }
  }

  private static Harness harness(byte[] initialRules, OperatorSubtaskState restored)
      throws Exception {
    return new Harness(initialRules, restored);
  }

  private static List<String> alertIds(Harness harness) {
    return harness.extractOutputValues().stream().map(FraudAlert::alertId).toList();
  }

  @Test
  void flagsOnlyAmountsAboveTheDefaultThresholdOf5000() throws Exception {
    try (var harness = harness(null, null)) {
      harness.processElement(tx("a", "5000", null), 1);
      harness.processElement(tx("b", "5000.01", null), 1);
      harness.processElement(tx("c", "12", null), 1);

      assertThat(alertIds(harness)).containsExactly("b:amount_threshold");
      FraudAlert alert = harness.extractOutputValues().get(0);
      assertThat(alert.rulesVersion()).isZero();
      assertThat(alert.threshold()).isEqualByComparingTo("5000");
      assertThat(alert.transaction().transactionId()).isEqualTo("b");
    }
  }

  @Test
  void appliesANewerRuleSetToLaterTransactions() throws Exception {
    try (var harness = harness(null, null)) {
      harness.processElement(tx("before", "2000", null), 1);
      harness.publish(json(threshold(1, "1000")));
      harness.processElement(tx("after", "2000", null), 1);

      assertThat(alertIds(harness)).containsExactly("after:amount_threshold");
      assertThat(harness.extractOutputValues().get(0).rulesVersion()).isEqualTo(1);
    }
  }

  @Test
  void ignoresOlderVersionsAndInvalidRuleSets() throws Exception {
    try (var harness = harness(null, null)) {
      harness.publish(json(threshold(5, "1000")));
      harness.publish(json(threshold(4, "10")));
      harness.publish(json(threshold(5, "10")));
      harness.publish("{\"version\":9,\"amount_threshold\":-1}".getBytes(StandardCharsets.UTF_8));
      harness.publish("not json".getBytes(StandardCharsets.UTF_8));
      harness.processElement(tx("t", "500", null), 1);
      harness.processElement(tx("u", "1500", null), 1);

      assertThat(alertIds(harness)).containsExactly("u:amount_threshold");
      assertThat(harness.extractOutputValues().get(0).rulesVersion()).isEqualTo(5);
    }
  }

  /**
   * A rule set an earlier release stored, with named rules the control plane now refuses to write
   * (count < 1 never holds, amount > 0 always does): the job applies it as that release's job did,
   * instead of keeping the older rules.
   */
  @Test
  void appliesAStoredRuleSetHoldingRulesThatWritingNowRefuses() throws Exception {
    try (var harness = harness(json(threshold(1, "1000")), null)) {
      harness.publish(
          """
          {"version": 2, "amount_threshold": 100, "rules": [
            {"id": "never", "kind": "aggregate", "group_by": ["account_id"], "function": "count",
             "window": "PT1M", "operator": "<", "limit": 1},
            {"id": "every", "kind": "threshold", "field": "amount", "operator": ">", "limit": 0}
          ]}
          """
              .getBytes(StandardCharsets.UTF_8));
      harness.processElement(tx("t", "150", null), 1);

      assertThat(alertIds(harness)).containsExactly("t:amount_threshold", "t:every");
      assertThat(harness.extractOutputValues())
          .extracting(FraudAlert::rulesVersion)
          .containsOnly(2L);
    }
  }

  @Test
  void appliesCategoryThresholdsOverTheGlobalOne() throws Exception {
    RuleSet rules =
        new RuleSet(
            2, new BigDecimal("5000"), Map.of("gambling", new BigDecimal("100")), null, null, null);
    try (var harness = harness(json(rules), null)) {
      harness.processElement(tx("g", "150", "gambling"), 1);
      harness.processElement(tx("h", "150", "grocery"), 1);

      assertThat(harness.extractOutputValues())
          .singleElement()
          .satisfies(
              alert -> {
                assertThat(alert.alertId()).isEqualTo("g:category_threshold");
                assertThat(alert.rule()).isEqualTo(RuleId.CATEGORY_THRESHOLD);
                assertThat(alert.rulesVersion()).isEqualTo(2);
              });
    }
  }

  @Test
  void startsFromTheRulesReadAtSubmission() throws Exception {
    try (var harness = harness(json(threshold(7, "100")), null)) {
      harness.processElement(tx("t", "150", null), 1);
      assertThat(harness.extractOutputValues().get(0).rulesVersion()).isEqualTo(7);
    }
  }

  @Test
  void restoresTheAppliedRulesFromASnapshotAndKeepsTheHigherOfStateAndSubmission()
      throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness(null, null)) {
      harness.publish(json(threshold(3, "100")));
      snapshot = harness.snapshot();
    }
    // An older job graph (rules read at submission: version 2) restored from the snapshot.
    try (var harness = harness(json(threshold(2, "4000")), snapshot)) {
      harness.processElement(tx("t", "150", null), 1);
      assertThat(harness.extractOutputValues())
          .singleElement()
          .extracting(FraudAlert::rulesVersion)
          .isEqualTo(3L);
    }
    // A newer one: the rules read at submission win.
    try (var harness = harness(json(threshold(4, "1000")), snapshot)) {
      harness.processElement(tx("t", "150", null), 1);
      assertThat(harness.extractOutputValues()).isEmpty();
    }
  }

  @Test
  void forwardsTransactionsToTheVelocityRuleOnlyWhileItIsEnabled() throws Exception {
    try (var harness = harness(null, null)) {
      harness.processElement(tx("off", "1", null), 1);
      harness.publish(json(RuleSets.velocity(1, 3, 60)));
      harness.processElement(tx("on", "1", null), 1);
      harness.processElement(
          new Transaction(
              "no-account", null, BigDecimal.ONE, null, null, null, null, Instant.EPOCH),
          1);

      assertThat(harness.flink.getSideOutput(RuleEvaluationOperator.VELOCITY_CANDIDATES))
          .extracting(StreamRecord::getValue)
          .extracting(Transaction::transactionId)
          .containsExactly("on");
    }
  }

  private static RuleSet named(long version, NamedRule... rules) {
    return new RuleSet(version, null, null, null, null, null, List.of(rules));
  }

  private static final NamedRule BIG_GAMBLING =
      new NamedRule(
          "big-gambling",
          "Large gambling payment",
          "active",
          "threshold",
          "amount",
          ">",
          new BigDecimal("500"),
          Map.of("merchant_category", "gambling"),
          null,
          null,
          null);

  @Test
  void judgesNamedThresholdRulesBesideTheAmountRules() throws Exception {
    NamedRule smallShadow =
        new NamedRule(
            "small",
            null,
            "shadow",
            "threshold",
            "amount",
            "<=",
            new BigDecimal("1"),
            null,
            null,
            null,
            null);
    NamedRule pausedAll =
        new NamedRule(
            "all",
            null,
            "paused",
            "threshold",
            "amount",
            ">",
            // Every transaction of this test: paused, it still raises nothing ("> 0" would hold
            // for every transaction whatever the data, which the validator refuses).
            new BigDecimal("0.5"),
            null,
            null,
            null,
            null);
    try (var harness = harness(json(named(5, BIG_GAMBLING, smallShadow, pausedAll)), null)) {
      harness.processElement(tx("g1", "500.01", "gambling"), 1);
      harness.processElement(tx("g2", "500", "gambling"), 1);
      harness.processElement(tx("s1", "600", "grocery"), 1);
      harness.processElement(tx("tiny", "1", "grocery"), 1);
      harness.processElement(tx("huge", "6000", "gambling"), 1);

      assertThat(alertIds(harness))
          .containsExactly(
              "g1:big-gambling", "tiny:small", "huge:amount_threshold", "huge:big-gambling");
      FraudAlert big = harness.extractOutputValues().get(0);
      assertThat(big.rule()).isEqualTo(RuleId.NAMED);
      assertThat(big.ruleName()).isEqualTo("Large gambling payment");
      assertThat(big.value()).isEqualByComparingTo("500.01");
      assertThat(big.rulesVersion()).isEqualTo(5);
      assertThat(big.shadow()).isFalse();
      assertThat(harness.extractOutputValues().get(1).shadow()).isTrue();
    }
  }

  @Test
  void forwardsTransactionsToTheAggregateRulesOncePerGroupByOnlyWhileThereAreSome()
      throws Exception {
    NamedRule perAccount =
        new NamedRule(
            "a",
            null,
            null,
            "aggregate",
            null,
            ">",
            BigDecimal.TEN,
            null,
            List.of("account_id"),
            "count",
            "PT1M");
    NamedRule perAccountToo =
        new NamedRule(
            "b",
            null,
            "shadow",
            "aggregate",
            "amount",
            ">",
            BigDecimal.TEN,
            null,
            List.of("account_id"),
            "sum",
            "PT1H");
    NamedRule perCountry =
        new NamedRule(
            "c",
            null,
            null,
            "aggregate",
            "merchant",
            ">",
            BigDecimal.TEN,
            null,
            List.of("country"),
            "count_distinct",
            "PT1H");
    try (var harness = harness(null, null)) {
      harness.processElement(tx("none", "1", null), 1);
      harness.publish(json(named(1, perAccount, perAccountToo, perCountry)));
      harness.processElement(tx("two", "1", null), 7);
      harness.processElement(
          new Transaction(
              "no-country", "acc", BigDecimal.ONE, null, null, null, null, Instant.EPOCH),
          8);
      harness.publish(json(named(2, BIG_GAMBLING)));
      harness.processElement(tx("gone", "1", null), 9);

      assertThat(harness.flink.getSideOutput(RuleEvaluationOperator.AGGREGATE_CANDIDATES))
          .extracting(r -> r.getValue().key() + "@" + r.getTimestamp())
          .containsExactly("account_id\0acc-two@7", "country\0US@7", "account_id\0acc@8");
    }
  }

  @Test
  void keepsTheEventTimestampOnAlertsAndVelocityCandidates() throws Exception {
    try (var harness = harness(json(RuleSets.velocity(1, 3, 60)), null)) {
      harness.processElement(tx("t", "9000", null), 42);

      assertThat(harness.flink.extractOutputStreamRecords())
          .singleElement()
          .extracting(StreamRecord::getTimestamp)
          .isEqualTo(42L);
      assertThat(harness.flink.getSideOutput(RuleEvaluationOperator.VELOCITY_CANDIDATES))
          .singleElement()
          .extracting(StreamRecord::getTimestamp)
          .isEqualTo(42L);
    }
  }

  @Test
  void failsTheTaskWhenTheFeedStops() throws Exception {
    try (var harness = harness(null, null)) {
      harness.feed.listener.failed(new IllegalStateException("not authorized"));

      assertThatThrownBy(harness::runMailbox)
          .isInstanceOf(FlinkRuntimeException.class)
          .hasMessageContaining("rules feed stopped")
          .hasRootCauseMessage("not authorized");
    }
  }

  @Test
  void stopsFollowingTheFeedWhenClosed() throws Exception {
    var harness = harness(null, null);
    assertThat(harness.feed.listener).isNotNull();
    harness.close();
    assertThat(harness.feed.listener).isNull();
  }
}
