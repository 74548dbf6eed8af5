package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RuleWindowsTest {

  private static final long WINDOW_MILLIS = 60_000;

  /** Amounts the long path takes, and ones it must hand to BigDecimal arithmetic midway. */
  private static BigDecimal amount(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> null;
      // More decimals than the units' scale.
      case 1 -> BigDecimal.valueOf(random.nextInt(1_000_000), 5 + random.nextInt(3));
      // Past 2^48 unscaled, and sums past a long.
      case 2 -> new BigDecimal(BigInteger.ONE.shiftLeft(49 + random.nextInt(20)), 2);
      // The most the long path takes: four of them overflow a long.
      case 3 -> BigDecimal.valueOf((1L << 48) - 1 - random.nextInt(1000));
      // A negative scale.
      case 4 -> new BigDecimal("5E+3");
      // Equal values at other scales: min and max keep the one the scan meets first.
      case 5 -> new BigDecimal(random.nextBoolean() ? "5.0" : "5.000");
      default -> BigDecimal.valueOf(random.nextInt(100_000) - 50_000, random.nextInt(5));
    };
  }

  /** The BigDecimal fold the long path must equal, scale included, over the same window. */
  private static BigDecimal reference(String function, List<Transaction> window) {
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal min = null;
    BigDecimal max = null;
    int count = 0;
    // Newest first, as the scan meets them.
    for (int i = window.size() - 1; i >= 0; i--) {
      BigDecimal number = window.get(i).amount();
      if (number == null) {
        continue;
      }
      count++;
      sum = sum.add(number);
      min = min == null || number.compareTo(min) < 0 ? number : min;
      max = max == null || number.compareTo(max) > 0 ? number : max;
    }
    return switch (function) {
      case "sum" -> sum;
      case "avg" ->
          count == 0 ? null : sum.divide(BigDecimal.valueOf(count), RuleWindows.AVG_CONTEXT);
      case "min" -> min;
      default -> max;
    };
  }

  @Test
  void sumsAndComparesAmountsAsLongsWithTheExactBigDecimalResultScaleIncluded() {
    int decimalFallbacks = 0;
    for (String function : List.of("sum", "avg", "min", "max")) {
      CompiledRules.Compiled compiled = compile(function, ">", BigDecimal.ONE);
      for (long seed = 1; seed <= 40; seed++) {
        Random random = new Random(seed);
        HeldTransactions held = new HeldTransactions();
        List<Transaction> inOrder = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          Transaction tx =
              new Transaction(
                  "t" + i,
                  "acc-1",
                  amount(random),
                  "EUR",
                  "m",
                  "shop",
                  "FR",
                  Instant.ofEpochMilli(5_000L * i));
          held.evictUpTo(5_000L * i - WINDOW_MILLIS);
          int at = held.insert(tx);
          inOrder.add(tx);
          List<Transaction> window =
              inOrder.stream()
                  .filter(t -> RuleWindows.time(t) > RuleWindows.time(tx) - WINDOW_MILLIS)
                  .toList();
          BigDecimal expected = reference(function, window);
          BigDecimal actual = RuleWindows.aggregate(compiled, held, tx, at);
          // equals, not compareTo: the alert carries the value as it is, scale and all.
          assertThat(actual).as("%s, seed %d, step %d", function, seed, i).isEqualTo(expected);
          if (window.stream()
              .anyMatch(
                  t ->
                      t.amount() != null
                          && HeldTransactions.unitsOf(t.amount()) == HeldTransactions.NO_UNITS)) {
            decimalFallbacks++;
          }
        }
      }
    }
    // The BigDecimal path was taken, not only the long one.
    assertThat(decimalFallbacks).isGreaterThan(100);
  }

  private static CompiledRules.Compiled compile(
      String function, String operator, BigDecimal limit) {
    NamedRule rule =
        new NamedRule(
            "r",
            null,
            "active",
            "aggregate",
            function.startsWith("count")
                ? (function.equals("count") ? null : "merchant")
                : "amount",
            operator,
            limit,
            null,
            List.of("account_id"),
            function,
            "PT1M");
    return new CompiledRules(new RuleSet(1, null, null, null, null, null, List.of(rule)))
        .aggregatesById()
        .get("r");
  }

  @Test
  void firesExactlyWhenTheComparisonOfTheBigDecimalValueHoldsEvenAtTheLimit() {
    List<String> operators = List.of(">", ">=", "<", "<=", "==", "!=");
    int fired = 0;
    int held = 0;
    for (String function : List.of("count", "count_distinct", "sum", "avg", "min", "max")) {
      for (long seed = 1; seed <= 6; seed++) {
        Random random = new Random(seed);
        HeldTransactions transactions = new HeldTransactions();
        for (int i = 0; i < 40; i++) {
          Transaction tx =
              new Transaction(
                  "t" + i,
                  "acc-1",
                  random.nextInt(8) == 0
                      ? amount(random)
                      : BigDecimal.valueOf(random.nextInt(3_000), 2),
                  "EUR",
                  "m" + random.nextInt(5),
                  "shop",
                  "FR",
                  Instant.ofEpochMilli(5_000L * i));
          transactions.evictUpTo(5_000L * i - WINDOW_MILLIS);
          int at = transactions.insert(tx);
          BigDecimal value =
              RuleWindows.aggregate(compile(function, ">", BigDecimal.ONE), transactions, tx, at);
          if (value == null) {
            continue;
          }
          // Limits at the value, a unit either side, and (for avg) the exact quotient's neighbours
          // that round to it.
          List<BigDecimal> limits =
              List.of(
                  value,
                  value.add(new BigDecimal("0.0001")),
                  value.subtract(new BigDecimal("0.0001")),
                  value.round(new java.math.MathContext(8)),
                  value.stripTrailingZeros().precision() > 2
                      ? value.round(new java.math.MathContext(value.precision() - 1))
                      : value,
                  BigDecimal.ZERO);
          for (String operator : operators) {
            for (BigDecimal limit : limits) {
              CompiledRules.Compiled rule = compile(function, operator, limit);
              BigDecimal expected = rule.operator().holds(value, limit) ? value : null;
              assertThat(RuleWindows.firing(rule, transactions, tx, at))
                  .as("%s %s %s on %s", function, operator, limit, value)
                  .isEqualTo(expected);
              if (expected != null) {
                fired++;
              } else {
                held++;
              }
            }
          }
        }
      }
    }
    assertThat(fired).isGreaterThan(1000);
    assertThat(held).isGreaterThan(1000);
  }

  @Test
  void anAverageThatRoundsToTheLimitEqualsItThoughTheExactQuotientDoesNot() {
    HeldTransactions held = new HeldTransactions();
    List<String> amounts = List.of("150000000000000", "150000000000000", "0.0001");
    Transaction last = null;
    int at = -1;
    // (2 * 150000000000000 + 0.0001) / 3 = 100000000000000.0000333..., 100000000000000.0 in 16
    // digits: == holds for the value the alert would carry, not for the exact quotient.
    for (int i = 0; i < amounts.size(); i++) {
      last =
          new Transaction(
              "t" + i,
              "acc-1",
              new BigDecimal(amounts.get(i)),
              "EUR",
              "m",
              "shop",
              "FR",
              Instant.ofEpochMilli(1_000));
      at = held.insert(last);
    }
    CompiledRules.Compiled equal = compile("avg", "==", new BigDecimal("100000000000000"));

    assertThat(RuleWindows.firing(equal, held, last, at))
        .isEqualByComparingTo(new BigDecimal("100000000000000"));
    assertThat(
            RuleWindows.firing(
                compile("avg", ">", new BigDecimal("100000000000000")), held, last, at))
        .isNull();
  }
}
