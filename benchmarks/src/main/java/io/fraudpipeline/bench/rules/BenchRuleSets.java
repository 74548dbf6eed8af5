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

  /**
   * Limits the generated traffic never reaches (its amounts are 0.01 to under ten times the amount
   * threshold) but a valid transaction could: the validator refuses a rule that can never fire. A
   * count or sum; an average or maximum of amounts (at most 1000000000 each); a minimum.
   */
  private static final String UNREACHABLE = "100000000000";

  private static final String UNREACHABLE_AMOUNT = "999999999";
  private static final String BELOW_EVERY_GENERATED_AMOUNT = "0.01";

  /** A merchant category the generator never uses: a rule filtering on it takes no transaction. */
  private static final Map<String, String> NO_TRANSACTION =
      Map.of("merchant_category", "no-generated-category");

  private BenchRuleSets() {}

  /** The 20 aggregate rules. */
  public static List<NamedRule> aggregateRules() {
    return aggregateRules(null);
  }

  /**
   * The 20 aggregate rules, each with a filter no generated transaction passes: every transaction
   * still takes the keyed hop to {@code aggregate-rules} (the main path forwards it by key, not by
   * filter) and its key's state is looked up, but nothing is held or scanned. What the job costs
   * with them is the hop's share of what the 20 rules cost.
   */
  public static List<NamedRule> idleAggregateRules() {
    return aggregateRules(NO_TRANSACTION);
  }

  private static List<NamedRule> aggregateRules(Map<String, String> filter) {
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
      // min < 0.01 never holds for a generated amount; every other function never exceeds the
      // limit.
      boolean min = function.equals("min");
      String limit =
          switch (function) {
            case "min" -> BELOW_EVERY_GENERATED_AMOUNT;
            case "avg", "max" -> UNREACHABLE_AMOUNT;
            default -> UNREACHABLE;
          };
      rules.add(
          new NamedRule(
              "bench-aggregate-" + i,
              "Benchmark aggregate " + i,
              "active",
              "aggregate",
              field,
              min ? "<" : ">",
              new BigDecimal(limit),
              filter,
              groupBy,
              function,
              windows[i % windows.length]));
    }
    return List.copyOf(rules);
  }

  /** The built-in rules at their defaults with the 20 aggregate rules beside them. */
  public static RuleSet withAggregates(long version) {
    return withBuiltIn(version, aggregateRules());
  }

  /** The built-in rules at their defaults with the 20 {@link #idleAggregateRules} beside them. */
  public static RuleSet withIdleAggregates(long version) {
    return withBuiltIn(version, idleAggregateRules());
  }

  private static RuleSet withBuiltIn(long version, List<NamedRule> named) {
    RuleSet rules =
        new RuleSet(
            version, RuleSet.DEFAULT_AMOUNT_THRESHOLD, Map.of(), null, null, "benchmarks", named);
    var errors = RuleSetValidator.forWriting().validate(rules);
    if (!errors.isEmpty()) {
      throw new IllegalStateException("the benchmark's rule set is invalid: " + errors);
    }
    return rules;
  }
}
