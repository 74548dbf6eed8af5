package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The transactions a group holds, in judging order (event time in milliseconds, then transaction
 * id), changed in place (see {@link GroupState} for why that is safe in keyed state), and the
 * aggregate of one rule over them.
 */
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

  /** Puts {@code tx} in its place in {@code held} (after equal ones). */
  public static void insert(List<Transaction> held, Transaction tx) {
    int at = held.size();
    while (at > 0 && JUDGING_ORDER.compare(held.get(at - 1), tx) > 0) {
      at--;
    }
    held.add(at, tx);
  }

  /** Removes the transactions at or before {@code cutoff} (event time) from {@code held}. */
  public static void evictUpTo(List<Transaction> held, long cutoff) {
    int from = 0;
    while (from < held.size() && time(held.get(from)) <= cutoff) {
      from++;
    }
    if (from > 0) {
      held.subList(0, from).clear();
    }
  }

  /**
   * The rule's aggregate over the window ending at {@code tx} and including it: the held
   * transactions with event time in {@code (time - window, time]}, not after {@code tx} in judging
   * order, of {@code tx}'s group, that pass the rule's filter.
   *
   * @return the value; {@code count} and {@code count_distinct} of nothing are 0, the others null
   */
  public static BigDecimal aggregate(
      CompiledRules.Compiled rule, List<Transaction> held, Transaction tx) {
    AggregateFunction function = rule.function();
    long time = time(tx);
    long from = time - rule.windowMillis();
    long count = 0;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal min = null;
    BigDecimal max = null;
    Set<String> distinct = function == AggregateFunction.COUNT_DISTINCT ? new HashSet<>() : null;
    // From the newest back: the window is a run at the end, but for a late transaction.
    for (int i = held.size() - 1; i >= 0; i--) {
      Transaction e = held.get(i);
      long at = time(e);
      if (at <= from) {
        break;
      }
      boolean after =
          at > time || (at == time && e.transactionId().compareTo(tx.transactionId()) > 0);
      if (after || !rule.matches(e) || !rule.sameGroup(e, tx)) {
        continue;
      }
      switch (function) {
        case COUNT -> count++;
        case COUNT_DISTINCT -> {
          String text = rule.field().text(e);
          if (text != null) {
            distinct.add(text);
          }
        }
        default -> {
          BigDecimal number = rule.field().number(e);
          if (number != null) {
            count++;
            sum = sum.add(number);
            min = min == null || number.compareTo(min) < 0 ? number : min;
            max = max == null || number.compareTo(max) > 0 ? number : max;
          }
        }
      }
    }
    return switch (function) {
      case COUNT -> BigDecimal.valueOf(count);
      case COUNT_DISTINCT -> BigDecimal.valueOf(distinct.size());
      case SUM -> sum;
      case AVG -> count == 0 ? null : sum.divide(BigDecimal.valueOf(count), AVG_CONTEXT);
      case MIN -> min;
      case MAX -> max;
    };
  }
}
