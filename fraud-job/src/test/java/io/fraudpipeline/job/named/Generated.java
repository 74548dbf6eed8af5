package io.fraudpipeline.job.named;

import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.RuleSetValidator;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded random transactions and rules for the property tests. */
public final class Generated {

  public static final long START = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
  private static final String[] OPERATORS = {">", ">=", "<", "<=", "==", "!="};
  private static final String[] WINDOWS = {"PT1S", "PT10S", "PT30S", "PT1M", "PT2M", "PT5M"};
  private static final List<List<String>> GROUPS =
      List.of(
          List.of("account_id"), List.of("account_id", "merchant_category"), List.of("country"));

  private Generated() {}

  /**
   * Transactions over {@code spanSeconds}, at whole seconds so that many share a millisecond (ties
   * are judged by transaction id), on few accounts, merchants and countries so windows fill up.
   */
  public static List<Transaction> transactions(Random random, int count, int spanSeconds) {
    List<Transaction> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String category = random.nextInt(3) == 0 ? "gambling" : "grocery";
      out.add(
          new Transaction(
              String.format("t%05d", random.nextInt(100_000)) + "-" + i,
              "acc-" + random.nextInt(4),
              amount(random),
              "EUR",
              "m" + random.nextInt(7),
              category,
              random.nextInt(5) == 0 ? null : "c" + random.nextInt(3),
              Instant.ofEpochMilli(START + 1000L * random.nextInt(spanSeconds))));
    }
    return out;
  }

  /**
   * Mostly cents up to 1 000; a quarter of them one of a few round amounts written with 0 to 2
   * decimals ({@code 250}, {@code 250.0}, {@code 250.00}): one amount to the rules, whatever the
   * producer's scale.
   */
  private static BigDecimal amount(Random random) {
    if (random.nextInt(4) == 0) {
      return BigDecimal.valueOf(ROUND_AMOUNTS[random.nextInt(ROUND_AMOUNTS.length)])
          .setScale(random.nextInt(3));
    }
    return BigDecimal.valueOf(1 + random.nextInt(100_000), 2);
  }

  private static final int[] ROUND_AMOUNTS = {1, 250, 999};

  /**
   * One random rule (aggregate most of the time), with a limit in the range its value lands in;
   * drawn again while the validator refuses it (e.g. {@code count_distinct(country) > 1} grouped by
   * country, which never fires), as the control plane would not publish it.
   */
  static NamedRule rule(Random random, String id) {
    while (true) {
      NamedRule rule = draw(random, id);
      if (RuleSetValidator.forWriting()
          .validate(new RuleSet(1, null, null, null, null, null, List.of(rule)))
          .isEmpty()) {
        return rule;
      }
    }
  }

  private static NamedRule draw(Random random, String id) {
    String operator = OPERATORS[random.nextInt(OPERATORS.length)];
    int filterDraw = random.nextInt(8);
    Map<String, String> filter =
        filterDraw < 2
            ? Map.of("merchant_category", "gambling")
            : filterDraw == 2 ? Map.of("amount", String.valueOf(ROUND_AMOUNTS[1])) : null;
    if (random.nextInt(6) == 0) {
      return new NamedRule(
          id,
          "threshold " + id,
          state(random),
          "threshold",
          "amount",
          operator,
          BigDecimal.valueOf(random.nextInt(1000)),
          filter,
          null,
          null,
          null);
    }
    String function =
        List.of("count", "count_distinct", "sum", "avg", "min", "max").get(random.nextInt(6));
    String field;
    BigDecimal limit;
    switch (function) {
      case "count" -> {
        field = null;
        // From 2: "count >= 1" holds for every transaction, which the validator refuses.
        limit = BigDecimal.valueOf(2 + random.nextInt(5));
      }
      case "count_distinct" -> {
        field = List.of("merchant", "country", "amount").get(random.nextInt(3));
        limit = BigDecimal.valueOf(1 + random.nextInt(4));
      }
      case "sum" -> {
        field = "amount";
        limit = BigDecimal.valueOf(100 + random.nextInt(3000));
      }
      default -> {
        field = "amount";
        limit = BigDecimal.valueOf(100 + random.nextInt(900));
      }
    }
    return new NamedRule(
        id,
        null,
        state(random),
        "aggregate",
        field,
        operator,
        limit,
        filter,
        GROUPS.get(random.nextInt(GROUPS.size())),
        function,
        WINDOWS[random.nextInt(WINDOWS.length)]);
  }

  private static String state(Random random) {
    int r = random.nextInt(10);
    return r == 0 ? "paused" : r < 3 ? "shadow" : null;
  }

  public static List<NamedRule> rules(Random random, int count) {
    List<NamedRule> rules = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rules.add(rule(random, "r" + i));
    }
    return rules;
  }
}
