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
   * @param txCodes {@code tx}'s codes in {@code held} (see {@link HeldTransactions#insert})
   * @return the value; {@code count} and {@code count_distinct} of nothing are 0, the others null
   */
  public static BigDecimal aggregate(
      CompiledRules.Compiled rule, HeldTransactions held, Transaction tx, int[] txCodes) {
    AggregateFunction function = rule.function();
    List<TransactionField> sameAsJudged = rule.sameAsJudged();
    long time = time(tx);
    long from = time - rule.windowMillis();
    int distinctColumn = rule.field() == null ? -1 : HeldTransactions.column(rule.field());
    long count = 0;
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
    // From the newest back: the window is a run at the end, but for a late transaction.
    for (int i = held.size() - 1; i >= 0; i--) {
      long at = held.time(i);
      if (at <= from) {
        break;
      }
      if (held.isAfter(i, time, tx.transactionId())
          || !sameAs(held, i, sameAsJudged, tx, txCodes)) {
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
    return switch (function) {
      case COUNT, COUNT_DISTINCT -> BigDecimal.valueOf(count);
      case SUM -> sum;
      case AVG -> count == 0 ? null : sum.divide(BigDecimal.valueOf(count), AVG_CONTEXT);
      case MIN -> min;
      case MAX -> max;
    };
  }

  /**
   * Whether the {@code i}-th held transaction equals {@code tx} in {@code fields}. For a {@code tx}
   * that passes the rule's filter and has a group, that is: it passes the filter too and is in the
   * same group (the key already holds the rest of the group).
   */
  private static boolean sameAs(
      HeldTransactions held, int i, List<TransactionField> fields, Transaction tx, int[] txCodes) {
    // Indexed, without an iterator: this runs for every transaction in every window scan.
    for (int k = 0; k < fields.size(); k++) {
      TransactionField f = fields.get(k);
      int column = HeldTransactions.column(f);
      if (column >= 0
          ? held.code(column, i) != txCodes[column]
          : !Objects.equals(held.text(f, i), f.text(tx))) {
        return false;
      }
    }
    return true;
  }
}
