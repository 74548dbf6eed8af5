package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The aggregate of one rule over the transactions a key holds ({@link HeldTransactions}). */
public final class RuleWindows {

  /** Precision of {@code avg}: what a double would print, and plenty for money. */
  public static final MathContext AVG_CONTEXT = MathContext.DECIMAL64;

  /** Judging order: event time in milliseconds, then transaction id. */
  public static final Comparator<Transaction> JUDGING_ORDER =
      Comparator.comparingLong(RuleWindows::time).thenComparing(Transaction::transactionId);

  private RuleWindows() {}

  static long time(Transaction tx) {
    return tx.timestamp().toEpochMilli();
  }

  /**
   * The rule's aggregate over the window ending at {@code tx} and including it: the held
   * transactions with event time in {@code (time - window, time]}, not after {@code tx} in judging
   * order, of {@code tx}'s group, that pass the rule's filter.
   *
   * @param tx a transaction that passes the rule's filter and has a group, among {@code held}
   * @param at {@code tx}'s index in {@code held} (see {@link HeldTransactions#insert})
   * @return the value; {@code count} and {@code count_distinct} of nothing are 0, the others null
   */
  public static BigDecimal aggregate(
      CompiledRules.Compiled rule, HeldTransactions held, Transaction tx, int at) {
    return evaluate(rule, held, tx, at, false);
  }

  /**
   * The rule's {@link #aggregate} when the rule fires (its comparison with the limit holds), else
   * null. Most transactions fire no rule, so the comparison is made first where it can be: on the
   * long units of amounts, without building a BigDecimal (valueOf, and avg's division, were a
   * quarter of the operator thread in a JFR profile). For {@code avg}, whose value is rounded to 16
   * digits, only when the exact quotient lies clearly (more than 10^-14 of the sum) on one side of
   * a limit of at most 16 digits: rounding cannot move it across then.
   */
  public static BigDecimal firing(
      CompiledRules.Compiled rule, HeldTransactions held, Transaction tx, int at) {
    return evaluate(rule, held, tx, at, true);
  }

  private static BigDecimal evaluate(
      CompiledRules.Compiled rule,
      HeldTransactions held,
      Transaction tx,
      int at,
      boolean onlyIfFiring) {
    AggregateFunction function = rule.function();
    List<TransactionField> sameAsJudged = rule.sameAsJudged();
    long time = time(tx);
    long from = time - rule.windowMillis();
    int distinctColumn = rule.field() == null ? -1 : HeldTransactions.column(rule.field());
    long count = 0;
    // Amounts are added as longs (held.units) while they all have them; the first one without (or
    // an overflow) switches to BigDecimal arithmetic from the same partial result, so the value is
    // the BigDecimal one either way, scale included. BigDecimal.add and compareTo were about 5 % of
    // the operator thread in a JFR profile, and garbage.
    boolean decimals = false;
    long unitSum = 0;
    int sumScale = 0;
    int minAt = -1;
    int maxAt = -1;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal min = null;
    BigDecimal max = null;
    long[] distinctCodes = null;
    Set<String> distinctTexts = null;
    if (function == AggregateFunction.COUNT_DISTINCT) {
      if (distinctColumn >= 0) {
        distinctCodes = new long[(held.dictionarySize() + 63) >>> 6];
      } else {
        distinctTexts = new HashSet<>();
      }
    }
    // From tx back: what follows it in judging order (after a late one) is not in its window.
    for (int i = at; i >= 0; i--) {
      if (held.time(i) <= from) {
        break;
      }
      if (!sameAs(held, i, sameAsJudged, tx, at)) {
        continue;
      }
      switch (function) {
        case COUNT -> count++;
        case COUNT_DISTINCT -> {
          if (distinctCodes != null) {
            int code = held.code(distinctColumn, i);
            if (code != HeldTransactions.ABSENT
                && (distinctCodes[code >>> 6] & (1L << code)) == 0) {
              distinctCodes[code >>> 6] |= 1L << code;
              count++;
            }
          } else {
            String text = held.text(rule.field(), i);
            if (text != null && distinctTexts.add(text)) {
              count++;
            }
          }
        }
        default -> {
          long units = held.units(i);
          if (!decimals) {
            if (units == HeldTransactions.NO_UNITS && held.amount(i) == null) {
              continue;
            }
            long added = units == HeldTransactions.NO_UNITS ? 0 : unitSum + units;
            if (units != HeldTransactions.NO_UNITS && ((unitSum ^ added) & (units ^ added)) >= 0) {
              count++;
              unitSum = added;
              sumScale = Math.max(sumScale, held.scale(i));
              minAt = minAt < 0 || units < held.units(minAt) ? i : minAt;
              maxAt = maxAt < 0 || units > held.units(maxAt) ? i : maxAt;
              continue;
            }
            decimals = true;
            sum = count == 0 ? sum : unitsToDecimal(unitSum, sumScale);
            min = minAt < 0 ? null : held.amount(minAt);
            max = maxAt < 0 ? null : held.amount(maxAt);
          }
          BigDecimal number = held.amount(i);
          if (number != null) {
            count++;
            sum = sum.add(number);
            min = min == null || number.compareTo(min) < 0 ? number : min;
            max = max == null || number.compareTo(max) > 0 ? number : max;
          }
        }
      }
    }
    if (onlyIfFiring && !decimals) {
      int sign = signAgainstLimit(rule, held, function, count, unitSum, minAt, maxAt);
      if (sign != UNDECIDED && !rule.operator().holds(sign)) {
        return null;
      }
    }
    if (!decimals && minAt >= 0) {
      sum = unitsToDecimal(unitSum, sumScale);
      min = held.amount(minAt);
      max = held.amount(maxAt);
    }
    BigDecimal value =
        switch (function) {
          case COUNT, COUNT_DISTINCT -> BigDecimal.valueOf(count);
          case SUM -> sum;
          case AVG -> count == 0 ? null : sum.divide(BigDecimal.valueOf(count), AVG_CONTEXT);
          case MIN -> min;
          case MAX -> max;
        };
    if (onlyIfFiring && (value == null || !rule.operator().holds(value, rule.rule().limit()))) {
      return null;
    }
    return value;
  }

  /** What {@link #signAgainstLimit} answers when only the BigDecimal value can tell. */
  private static final int UNDECIDED = 2;

  /**
   * The sign of value - limit, from the scan's long results, or {@link #UNDECIDED} (also when there
   * is no value: no amount in the window).
   */
  private static int signAgainstLimit(
      CompiledRules.Compiled rule,
      HeldTransactions held,
      AggregateFunction function,
      long count,
      long unitSum,
      int minAt,
      int maxAt) {
    long limit = rule.limitUnits();
    if (limit == HeldTransactions.NO_UNITS) {
      return UNDECIDED;
    }
    if (minAt < 0
        && function != AggregateFunction.COUNT
        && function != AggregateFunction.COUNT_DISTINCT) {
      return UNDECIDED;
    }
    try {
      return switch (function) {
        case COUNT, COUNT_DISTINCT ->
            Long.signum(
                Math.subtractExact(
                    Math.multiplyExact(count, HeldTransactions.unitsPerUnscaled(0)), limit));
        case SUM -> Long.signum(Math.subtractExact(unitSum, limit));
        case MIN -> Long.signum(Math.subtractExact(held.units(minAt), limit));
        case MAX -> Long.signum(Math.subtractExact(held.units(maxAt), limit));
        case AVG -> {
          long difference = Math.subtractExact(unitSum, Math.multiplyExact(limit, count));
          yield Math.abs(difference) > Math.abs(unitSum) / 100_000_000_000_000L
              ? Long.signum(difference)
              : UNDECIDED;
        }
      };
    } catch (ArithmeticException overflow) {
      return UNDECIDED;
    }
  }

  /**
   * The BigDecimal sum of amounts whose units add up to {@code units}, {@code scale} the widest of
   * theirs: each is a multiple of 10^(UNIT_SCALE - scale) units, so the division is exact (and far
   * cheaper than BigDecimal.setScale, which checks for rounding).
   */
  private static BigDecimal unitsToDecimal(long units, int scale) {
    return BigDecimal.valueOf(units / HeldTransactions.unitsPerUnscaled(scale), scale);
  }

  /**
   * Whether the {@code i}-th held transaction equals {@code tx} in {@code fields}. For a {@code tx}
   * that passes the rule's filter and has a group, that is: it passes the filter too and is in the
   * same group (the key already holds the rest of the group).
   */
  private static boolean sameAs(
      HeldTransactions held, int i, List<TransactionField> fields, Transaction tx, int at) {
    // Indexed, without an iterator: this runs for every transaction in every window scan.
    for (int k = 0; k < fields.size(); k++) {
      TransactionField f = fields.get(k);
      int column = HeldTransactions.column(f);
      if (column >= 0
          ? held.code(column, i) != held.code(column, at)
          : !Objects.equals(held.text(f, i), f.text(tx))) {
        return false;
      }
    }
    return true;
  }
}
