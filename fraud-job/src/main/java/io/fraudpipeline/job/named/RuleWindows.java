package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The aggregates of rules over the transactions a key holds ({@link HeldTransactions}): one pass
 * over a window ({@link Window}) serves every rule that selects the same rows of it ({@link Scan}),
 * whatever its function.
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

  /**
   * Rules of one key that select the same rows of a window: the same window, and the same fields in
   * which a held transaction must equal the judged one ({@link
   * CompiledRules.Compiled#sameAsJudged}). One pass gathers what all of them need: the analysts'
   * rules over one card mostly differ only in their function and limit, and a pass per rule was the
   * operator's largest single cost.
   *
   * @param distinctFields the fields some rule counts the distinct values of
   * @param numeric whether some rule aggregates the amount
   */
  public record Scan(
      long windowMillis,
      List<TransactionField> sameAsJudged,
      List<TransactionField> distinctFields,
      boolean numeric) {

    /** The scan of one rule alone. */
    static Scan of(CompiledRules.Compiled rule) {
      return new Scan(
          rule.windowMillis(),
          rule.sameAsJudged(),
          rule.function() == AggregateFunction.COUNT_DISTINCT ? List.of(rule.field()) : List.of(),
          isNumeric(rule.function()));
    }

    /** Whether {@code rule} selects the rows this scan does (so it can take what it needs). */
    boolean selectsAs(CompiledRules.Compiled rule) {
      return rule.windowMillis() == windowMillis && rule.sameAsJudged().equals(sameAsJudged);
    }

    /** This scan, also gathering what {@code rule} (which {@link #selectsAs} it) needs. */
    Scan with(CompiledRules.Compiled rule) {
      List<TransactionField> distinct = new ArrayList<>(distinctFields);
      if (rule.function() == AggregateFunction.COUNT_DISTINCT && !distinct.contains(rule.field())) {
        distinct.add(rule.field());
      }
      return new Scan(
          windowMillis, sameAsJudged, List.copyOf(distinct), numeric || isNumeric(rule.function()));
    }

    private static boolean isNumeric(AggregateFunction function) {
      return function != AggregateFunction.COUNT && function != AggregateFunction.COUNT_DISTINCT;
    }
  }

  /**
   * What one {@link Scan} found in the window ending at the judged transaction and including it:
   * the held transactions with event time in {@code (time - window, time]}, not after it in judging
   * order, that equal it in the scan's fields (of its group, passing the rules' filter).
   */
  public static final class Window {

    private final Scan scan;
    // Of each distinct field: its dictionary column, or -1 for one that is not coded (then its
    // values are collected as text).
    private final int[] distinctColumns;
    // Per distinct field, the codes seen (a bit per code) or the texts seen: kept for the next
    // gathering, cleared by it.
    private final long[][] distinctCodes;
    private final List<Set<String>> distinctTexts;
    private long rows;
    // Amounts are added as longs (held.units) while they all have them; the first one without (or
    // an overflow) switches to BigDecimal arithmetic from the same partial result, so the value is
    // the BigDecimal one either way, scale included. BigDecimal.add and compareTo were about 5 % of
    // the operator thread in a JFR profile, and garbage.
    private long numbers;
    private boolean decimals;
    private long unitSum;
    private int sumScale;
    private int minAt = -1;
    private int maxAt = -1;
    private BigDecimal sum = BigDecimal.ZERO;
    private BigDecimal min;
    private BigDecimal max;
    private final long[] distinct;

    /**
     * A window of {@code scan} to {@link #gather} into, again and again: a judging thread keeps one
     * per scan ({@link NamedRuleEvaluator.Workspace}), as a new one per scan and transaction, with
     * its arrays, was an eighth of what {@code aggregate-rules} allocated in a JFR profile.
     */
    public Window(Scan scan) {
      this.scan = scan;
      List<TransactionField> distinctFields = scan.distinctFields();
      this.distinct = new long[distinctFields.size()];
      this.distinctColumns = new int[distinctFields.size()];
      this.distinctCodes = new long[distinctFields.size()][];
      this.distinctTexts = new ArrayList<>(distinctFields.size());
      for (int d = 0; d < distinctColumns.length; d++) {
        distinctColumns[d] = HeldTransactions.column(distinctFields.get(d));
        boolean coded = distinctColumns[d] >= 0;
        distinctCodes[d] = coded ? new long[1] : null;
        distinctTexts.add(coded ? null : new HashSet<>());
      }
    }

    /**
     * A new window of {@code scan} over {@code held}, gathered (see {@link #gather}).
     *
     * @param tx a transaction that has a group, among {@code held}
     * @param at {@code tx}'s index in {@code held} (see {@link HeldTransactions#insert})
     */
    public static Window scan(Scan scan, HeldTransactions held, Transaction tx, int at) {
      Window window = new Window(scan);
      window.gather(held, tx, at);
      return window;
    }

    /**
     * Gathers the window ending at {@code tx}, forgetting what was gathered before.
     *
     * @param tx a transaction that has a group, among {@code held}
     * @param at {@code tx}'s index in {@code held} (see {@link HeldTransactions#insert})
     */
    public void gather(HeldTransactions held, Transaction tx, int at) {
      reset(held);
      List<TransactionField> sameAsJudged = scan.sameAsJudged();
      List<TransactionField> distinctFields = scan.distinctFields();
      long from = time(tx) - scan.windowMillis();
      // From tx back: what follows it in judging order (after a late one) is not in its window.
      for (int i = at; i >= 0; i--) {
        if (held.time(i) <= from) {
          break;
        }
        if (!sameAs(held, i, sameAsJudged, tx, at)) {
          continue;
        }
        rows++;
        for (int d = 0; d < distinctColumns.length; d++) {
          if (distinctCodes[d] != null) {
            int code = held.code(distinctColumns[d], i);
            long[] seen = distinctCodes[d];
            if (code != HeldTransactions.ABSENT && (seen[code >>> 6] & (1L << code)) == 0) {
              seen[code >>> 6] |= 1L << code;
              distinct[d]++;
            }
          } else {
            String text = held.text(distinctFields.get(d), i);
            if (text != null && distinctTexts.get(d).add(text)) {
              distinct[d]++;
            }
          }
        }
        if (scan.numeric()) {
          addAmount(held, i);
        }
      }
    }

    private void reset(HeldTransactions held) {
      rows = 0;
      numbers = 0;
      decimals = false;
      unitSum = 0;
      sumScale = 0;
      minAt = -1;
      maxAt = -1;
      sum = BigDecimal.ZERO;
      min = null;
      max = null;
      Arrays.fill(distinct, 0);
      int words = (held.dictionarySize() + 63) >>> 6;
      for (int d = 0; d < distinctColumns.length; d++) {
        if (distinctCodes[d] == null) {
          distinctTexts.get(d).clear();
        } else if (distinctCodes[d].length < words) {
          distinctCodes[d] = new long[Math.max(words, 2 * distinctCodes[d].length)];
        } else {
          Arrays.fill(distinctCodes[d], 0, words, 0);
        }
      }
    }

    private void addAmount(HeldTransactions held, int i) {
      long units = held.units(i);
      if (!decimals) {
        if (units == HeldTransactions.NO_UNITS && held.amount(i) == null) {
          return;
        }
        long added = units == HeldTransactions.NO_UNITS ? 0 : unitSum + units;
        if (units != HeldTransactions.NO_UNITS && ((unitSum ^ added) & (units ^ added)) >= 0) {
          numbers++;
          unitSum = added;
          sumScale = Math.max(sumScale, held.scale(i));
          minAt = minAt < 0 || units < held.units(minAt) ? i : minAt;
          maxAt = maxAt < 0 || units > held.units(maxAt) ? i : maxAt;
          return;
        }
        decimals = true;
        sum = numbers == 0 ? sum : HeldTransactions.decimalOf(unitSum, sumScale);
        min = minAt < 0 ? null : held.amount(minAt);
        max = maxAt < 0 ? null : held.amount(maxAt);
      }
      BigDecimal number = held.amount(i);
      if (number != null) {
        numbers++;
        sum = sum.add(number);
        min = min == null || number.compareTo(min) < 0 ? number : min;
        max = max == null || number.compareTo(max) > 0 ? number : max;
      }
    }

    /**
     * {@code rule}'s value (the scan must gather what it needs): {@code count} and {@code
     * count_distinct} of nothing are 0, the others null.
     */
    BigDecimal value(CompiledRules.Compiled rule, HeldTransactions held) {
      return switch (rule.function()) {
        case COUNT -> BigDecimal.valueOf(rows);
        case COUNT_DISTINCT ->
            BigDecimal.valueOf(distinct[scan.distinctFields().indexOf(rule.field())]);
        case SUM -> decimalSum();
        case AVG ->
            numbers == 0 ? null : decimalSum().divide(BigDecimal.valueOf(numbers), AVG_CONTEXT);
        case MIN -> decimals ? min : (minAt < 0 ? null : held.amount(minAt));
        case MAX -> decimals ? max : (maxAt < 0 ? null : held.amount(maxAt));
      };
    }

    /**
     * {@code rule}'s value when the rule fires (its comparison with the limit holds), else null.
     * Most transactions fire no rule, so the comparison is made first where it can be: on the long
     * units of amounts, without building a BigDecimal (valueOf, and avg's division, were a fifth of
     * the operator thread in a JFR profile). For {@code avg}, whose value is rounded to 16 digits,
     * only when the exact quotient lies clearly (more than 10^-14 of the sum) on one side of a
     * limit of at most 16 digits: rounding cannot move it across then.
     */
    BigDecimal firing(CompiledRules.Compiled rule, HeldTransactions held) {
      if (!decimals) {
        int sign = signAgainstLimit(rule, held);
        if (sign != UNDECIDED && !rule.operator().holds(sign)) {
          return null;
        }
      }
      BigDecimal value = value(rule, held);
      return value != null && rule.operator().holds(value, rule.rule().limit()) ? value : null;
    }

    /**
     * The sign of value - limit, from the scan's long results, or {@link #UNDECIDED} (also when
     * there is no value: no amount in the window).
     */
    private int signAgainstLimit(CompiledRules.Compiled rule, HeldTransactions held) {
      long limit = rule.limitUnits();
      AggregateFunction function = rule.function();
      if (limit == HeldTransactions.NO_UNITS || (Scan.isNumeric(function) && minAt < 0)) {
        return UNDECIDED;
      }
      try {
        return switch (function) {
          case COUNT -> Long.signum(Math.subtractExact(unitsOfCount(rows), limit));
          case COUNT_DISTINCT ->
              Long.signum(
                  Math.subtractExact(
                      unitsOfCount(distinct[scan.distinctFields().indexOf(rule.field())]), limit));
          case SUM -> Long.signum(Math.subtractExact(unitSum, limit));
          case MIN -> Long.signum(Math.subtractExact(held.units(minAt), limit));
          case MAX -> Long.signum(Math.subtractExact(held.units(maxAt), limit));
          case AVG -> {
            long difference = Math.subtractExact(unitSum, Math.multiplyExact(limit, numbers));
            yield Math.abs(difference) > Math.abs(unitSum) / 100_000_000_000_000L
                ? Long.signum(difference)
                : UNDECIDED;
          }
        };
      } catch (ArithmeticException overflow) {
        return UNDECIDED;
      }
    }

    private BigDecimal decimalSum() {
      // The sum's scale is the widest of its amounts', as BigDecimal.add gives it.
      return decimals || numbers == 0 ? sum : HeldTransactions.decimalOf(unitSum, sumScale);
    }

    private static long unitsOfCount(long count) {
      return Math.multiplyExact(count, HeldTransactions.unitsPerUnscaled(0));
    }
  }

  /**
   * The rule's aggregate over the window ending at {@code tx} and including it (see {@link
   * Window}), by a pass of its own (the job shares passes: {@link CompiledRules.Grouping}).
   *
   * @param tx a transaction that passes the rule's filter and has a group, among {@code held}
   * @param at {@code tx}'s index in {@code held} (see {@link HeldTransactions#insert})
   * @return the value; {@code count} and {@code count_distinct} of nothing are 0, the others null
   */
  static BigDecimal aggregate(
      CompiledRules.Compiled rule, HeldTransactions held, Transaction tx, int at) {
    return Window.scan(Scan.of(rule), held, tx, at).value(rule, held);
  }

  /** {@link #aggregate} when the rule fires, else null (see {@link Window#firing}). */
  static BigDecimal firing(
      CompiledRules.Compiled rule, HeldTransactions held, Transaction tx, int at) {
    return Window.scan(Scan.of(rule), held, tx, at).firing(rule, held);
  }

  /** What {@link Window#signAgainstLimit} answers when only the BigDecimal value can tell. */
  private static final int UNDECIDED = 2;

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
