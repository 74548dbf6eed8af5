package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NamedRuleEvaluatorTest {

  private static final Instant NOW = Instant.parse("2025-03-02T00:00:00Z");

  private static Transaction tx(String id, String account, String merchant, String amount, long s) {
    return new Transaction(
        id,
        account,
        new BigDecimal(amount),
        "EUR",
        merchant,
        "shop",
        "fr",
        Instant.ofEpochMilli(Generated.START + 1000 * s));
  }

  /** What the evaluator raises when fed in judging order, as the keyed operator feeds it. */
  private static List<BruteForce.Expected> evaluate(List<NamedRule> rules, List<Transaction> txs) {
    CompiledRules compiled = new CompiledRules(new RuleSet(3, null, null, null, null, null, rules));
    List<Transaction> ordered = new ArrayList<>(txs);
    ordered.sort(
        Comparator.comparing(Transaction::timestamp).thenComparing(Transaction::transactionId));
    Map<String, HeldTransactions> held = new HashMap<>();
    // One per grouping for every key and transaction, as the operator reuses it.
    Map<String, NamedRuleEvaluator.Workspace> workspaces = new HashMap<>();
    List<FraudAlert> alerts = new ArrayList<>();
    for (Transaction tx : ordered) {
      for (CompiledRules.Compiled rule : compiled.thresholds()) {
        FraudAlert alert = NamedRuleEvaluator.threshold(rule, tx, 3, NOW);
        if (alert != null) {
          alerts.add(alert);
        }
      }
      for (GroupedTransaction g : compiled.groupings(tx)) {
        NamedRuleEvaluator.aggregates(
            workspaces.computeIfAbsent(
                g.keySpec(), spec -> new NamedRuleEvaluator.Workspace(compiled.grouping(spec))),
            held.computeIfAbsent(g.key(), k -> new HeldTransactions()),
            tx,
            3,
            NOW,
            (index, rule, alert) -> {
              if (alert != null) {
                alerts.add(alert);
              }
            });
      }
    }
    return alerts.stream()
        .map(a -> new BruteForce.Expected(a.ruleId(), a.transaction().transactionId(), a.value()))
        .toList();
  }

  private static List<String> ids(List<BruteForce.Expected> alerts) {
    return alerts.stream().map(a -> a.ruleId() + ":" + a.transactionId()).sorted().toList();
  }

  @Test
  void countsDistinctMerchantsInASlidingWindowThatIncludesTheJudgedTransaction() {
    NamedRule spree =
        new NamedRule(
            "many-merchants",
            "Card paying many merchants",
            null,
            "aggregate",
            "merchant",
            ">=",
            new BigDecimal(3),
            null,
            List.of("account_id"),
            "count_distinct",
            "PT10M");
    List<Transaction> txs =
        List.of(
            tx("a1", "A", "m1", "1", 0),
            tx("a2", "A", "m2", "1", 60),
            tx("a3", "A", "m2", "1", 120),
            tx("b1", "B", "m3", "1", 130),
            tx("a4", "A", "m3", "1", 180), // m1, m2, m3 within 10 min: fires
            tx("a5", "A", "m4", "1", 601), // a1 left the window (0, 601]: m2, m3, m4 still 3
            tx("a6", "A", "m4", "1", 1400)); // only m4 (a6) in (800, 1400]
    List<BruteForce.Expected> alerts = evaluate(List.of(spree), txs);
    assertThat(ids(alerts)).containsExactly("many-merchants:a4", "many-merchants:a5");
    assertThat(alerts.get(0).value()).isEqualByComparingTo("3");
  }

  @Test
  void sumsPerGroupOnlyWhatPassesTheFilter() {
    NamedRule total =
        new NamedRule(
            "hourly-total",
            null,
            "shadow",
            "aggregate",
            "amount",
            ">",
            new BigDecimal(100),
            Map.of("merchant", "m1"),
            List.of("account_id"),
            "sum",
            "PT1H");
    List<Transaction> txs =
        List.of(
            tx("a1", "A", "m1", "60", 0),
            tx("a2", "A", "m2", "500", 10),
            tx("a3", "A", "m1", "40.01", 20),
            tx("b1", "B", "m1", "99", 30));
    assertThat(evaluate(List.of(total), txs))
        .containsExactly(new BruteForce.Expected("hourly-total", "a3", new BigDecimal("100.01")));
  }

  @Test
  void agreesWithTheBruteForceReferenceOnRandomRulesAndTransactions() {
    int alertsSeen = 0;
    for (long seed = 1; seed <= 60; seed++) {
      Random random = new Random(seed);
      List<NamedRule> rules = Generated.rules(random, 6);
      List<Transaction> txs = Generated.transactions(random, 150, 900);
      List<BruteForce.Expected> expected = BruteForce.alerts(rules, txs);
      List<BruteForce.Expected> actual = evaluate(rules, txs);
      assertThat(sorted(actual)).as("seed %d, rules %s", seed, rules).isEqualTo(sorted(expected));
      alertsSeen += expected.size();
    }
    // The generated limits are meant to make rules fire sometimes, not never.
    assertThat(alertsSeen).isGreaterThan(500);
  }

  @Test
  void rulesThatShareAPassOverTheirWindowAgreeWithTheBruteForceReference() {
    int shared = 0;
    for (long seed = 1; seed <= 15; seed++) {
      Random random = new Random(seed);
      // Many rules over few windows and groupings: most share a pass with another.
      List<NamedRule> rules = Generated.rules(random, 30);
      CompiledRules compiled =
          new CompiledRules(new RuleSet(3, null, null, null, null, null, rules));
      for (String spec : List.of("account_id", "country")) {
        CompiledRules.Grouping grouping = compiled.grouping(spec);
        shared += grouping.rules().size() - grouping.scans().size();
      }
      List<Transaction> txs = Generated.transactions(random, 150, 900);
      assertThat(sorted(evaluate(rules, txs)))
          .as("seed %d", seed)
          .isEqualTo(sorted(BruteForce.alerts(rules, txs)));
    }
    assertThat(shared).isGreaterThan(100);
  }

  @Test
  void aGroupingOfMoreRulesThanALongHasBitsJudgesEachRuleInOrderAsTheReferenceDoes() {
    Random random = new Random(7);
    List<NamedRule> rules = new ArrayList<>();
    while (rules.size() < NamedRule.MAX_RULES) {
      NamedRule rule = Generated.rule(random, "r" + rules.size());
      if (rule.evaluated() && rule.groupBy() != null && rule.groupBy().contains("account_id")) {
        rules.add(rule);
      }
    }
    CompiledRules compiled = new CompiledRules(new RuleSet(3, null, null, null, null, null, rules));
    CompiledRules.Grouping grouping = compiled.grouping("account_id");
    assertThat(grouping.rules()).hasSize(NamedRule.MAX_RULES);
    List<Transaction> txs = Generated.transactions(random, 150, 900);

    assertThat(sorted(evaluate(rules, txs))).isEqualTo(sorted(BruteForce.alerts(rules, txs)));

    // Every rule judges a transaction that passes its filter, rules past the 64th too, in order
    // (the amount filter's "250" by value).
    Transaction gambling = txs.get(0);
    gambling =
        new Transaction(
            gambling.transactionId(),
            gambling.accountId(),
            new BigDecimal("250.00"),
            gambling.currency(),
            gambling.merchant(),
            "gambling",
            "c1",
            gambling.timestamp());
    List<Integer> judged = new ArrayList<>();
    NamedRuleEvaluator.aggregates(
        new NamedRuleEvaluator.Workspace(grouping),
        new HeldTransactions(),
        gambling,
        3,
        NOW,
        (index, rule, alert) -> judged.add(index));
    assertThat(judged).hasSize(NamedRule.MAX_RULES).isSorted();
  }

  static List<String> sorted(List<BruteForce.Expected> alerts) {
    return alerts.stream()
        .map(a -> a.ruleId() + ":" + a.transactionId() + "=" + a.value().stripTrailingZeros())
        .sorted()
        .toList();
  }
}
