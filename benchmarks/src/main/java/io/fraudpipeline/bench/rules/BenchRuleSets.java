package io.fraudpipeline.bench.rules;

import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.RuleSetValidator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The named rules the benchmarks run beside the built-in ones: 20 aggregate rules of every
 * function, per account (alone, with the merchant category, with the merchant) over windows of a
 * minute to an hour, whose limits the generated traffic never reaches. They cost what any aggregate
 * rule costs (the keyed hop, window state, one evaluation per transaction) while the alerts stay
 * exactly the built-in rules', so every pass is still checked against its ground truth.
 */
public final class BenchRuleSets {

  /** How many aggregate rules run beside the built-in rules. */
  public static final int AGGREGATE_RULES = 20;

  private static final String UNREACHABLE = "100000000000";

  private BenchRuleSets() {}

  /** The 20 aggregate rules. */
  public static List<NamedRule> aggregateRules() {
    String[] functions = {"count", "count_distinct", "sum", "avg", "max", "min"};
    // Card rules, as analysts write them (issue 16's examples): every grouping is per account.
    List<List<String>> groupings =
        List.of(
            List.of("account_id"),
            List.of("account_id", "merchant_category"),
            List.of("account_id", "merchant"));
    String[] windows = {"PT1M", "PT10M", "PT1H"};
    List<NamedRule> rules = new ArrayList<>();
    for (int i = 0; i < AGGREGATE_RULES; i++) {
      String function = functions[i % functions.length];
      List<String> groupBy = groupings.get(i % groupings.size());
      String field =
          switch (function) {
            case "count" -> null;
            case "count_distinct" -> groupBy.contains("merchant") ? "country" : "merchant";
            default -> "amount";
          };
      // min < 0 never holds for a valid amount; every other function never exceeds the limit.
      boolean min = function.equals("min");
      rules.add(
          new NamedRule(
              "bench-aggregate-" + i,
              "Benchmark aggregate " + i,
              "active",
              "aggregate",
              field,
              min ? "<" : ">",
              min ? BigDecimal.ZERO : new BigDecimal(UNREACHABLE),
              null,
              groupBy,
              function,
              windows[i % windows.length]));
    }
    return List.copyOf(rules);
  }

  /** The built-in rules at their defaults with the 20 aggregate rules beside them. */
  public static RuleSet withAggregates(long version) {
    RuleSet rules =
        new RuleSet(
            version,
            RuleSet.DEFAULT_AMOUNT_THRESHOLD,
            Map.of(),
            null,
            null,
            "benchmarks",
            aggregateRules());
    var errors = RuleSetValidator.validate(rules);
    if (!errors.isEmpty()) {
      throw new IllegalStateException("the benchmark's rule set is invalid: " + errors);
    }
    return rules;
  }
}
