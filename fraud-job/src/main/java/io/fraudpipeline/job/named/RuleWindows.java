package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The window of one rule for one group: its entries in judging order (event time, then transaction
 * id), changed in place (see {@link GroupState} for why that is safe in keyed state).
 */
public final class RuleWindows {

  /** Precision of {@code avg}: what a double would print, and plenty for money. */
  public static final MathContext AVG_CONTEXT = MathContext.DECIMAL64;

  private RuleWindows() {}

  /** Puts {@code entry} in its place in {@code entries} (after equal entries). */
  public static void insert(List<WindowEntry> entries, WindowEntry entry) {
    int at = entries.size();
    while (at > 0 && !entries.get(at - 1).notAfter(entry.time(), entry.transactionId())) {
      at--;
    }
    entries.add(at, entry);
  }

  /** Removes the entries at or before {@code cutoff} (event time) from {@code entries}. */
  public static void evictUpTo(List<WindowEntry> entries, long cutoff) {
    int from = 0;
    while (from < entries.size() && entries.get(from).time() <= cutoff) {
      from++;
    }
    if (from > 0) {
      entries.subList(0, from).clear();
    }
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
