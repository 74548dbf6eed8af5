package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The window of one rule for one group: its entries in judging order (event time, then transaction
 * id). Every operation returns a new list and leaves its argument alone: Flink's heap state backend
 * snapshots state objects asynchronously, so they must never change in place.
 */
public final class RuleWindows {

  /** Precision of {@code avg}: what a double would print, and plenty for money. */
  public static final MathContext AVG_CONTEXT = MathContext.DECIMAL64;

  private RuleWindows() {}

  /** A copy of {@code entries} with {@code entry} in its place (after equal entries). */
  public static List<WindowEntry> insert(List<WindowEntry> entries, WindowEntry entry) {
    int at = entries.size();
    while (at > 0 && !entries.get(at - 1).notAfter(entry.time(), entry.transactionId())) {
      at--;
    }
    List<WindowEntry> result = new ArrayList<>(entries.size() + 1);
    result.addAll(entries.subList(0, at));
    result.add(entry);
    result.addAll(entries.subList(at, entries.size()));
    return result;
  }

  /** {@code entries} without those at or before {@code cutoff} (event time). */
  public static List<WindowEntry> evictUpTo(List<WindowEntry> entries, long cutoff) {
    int from = 0;
    while (from < entries.size() && entries.get(from).time() <= cutoff) {
      from++;
    }
    return from == 0 ? entries : new ArrayList<>(entries.subList(from, entries.size()));
  }

  /**
   * The aggregate over the window ending at {@code (time, transactionId)} and including it: entries
   * with event time in {@code (time - windowMillis, time]}, not after it in judging order.
   *
   * @return the value; {@code count} and {@code count_distinct} of nothing are 0, the others null
   */
  public static BigDecimal aggregate(
      AggregateFunction function,
      List<WindowEntry> entries,
      long time,
      String transactionId,
      long windowMillis) {
    long from = time - windowMillis;
    long count = 0;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal min = null;
    BigDecimal max = null;
    Set<String> distinct = function == AggregateFunction.COUNT_DISTINCT ? new HashSet<>() : null;
    for (WindowEntry e : entries) {
      if (e.time() <= from || !e.notAfter(time, transactionId)) {
        continue;
      }
      switch (function) {
        case COUNT -> count++;
        case COUNT_DISTINCT -> {
          if (e.text() != null) {
            distinct.add(e.text());
          }
        }
        default -> {
          count++;
          sum = sum.add(e.number());
          min = min == null || e.number().compareTo(min) < 0 ? e.number() : min;
          max = max == null || e.number().compareTo(max) > 0 ? e.number() : max;
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
