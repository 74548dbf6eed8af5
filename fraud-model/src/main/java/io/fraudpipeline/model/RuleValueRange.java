package io.fraudpipeline.model;

import java.math.BigDecimal;
import java.util.Set;

/**
 * What a valid named rule's value (the amount, or the aggregate over its window) can be for any
 * transaction it judges, whatever the data: so that {@link NamedRuleValidator} can refuse a
 * comparison that holds for every such value (the rule would alert on each transaction) or for none
 * (it would never alert).
 *
 * @param what the value, for messages ("a count")
 * @param least its lower bound
 * @param leastIncluded whether the value can equal {@code least}
 * @param most its upper bound, included; null when there is none
 * @param whole whether the value is a whole number (then {@code least} and {@code most} are too,
 *     and included)
 */
record RuleValueRange(
    String what, BigDecimal least, boolean leastIncluded, BigDecimal most, boolean whole) {

  /** Fields every valid transaction has ({@link FraudJson#problemWith}). */
  private static final Set<TransactionField> REQUIRED =
      Set.of(TransactionField.TRANSACTION_ID, TransactionField.AMOUNT);

  /** The range of a rule that passed every other check; {@code function} null for a threshold. */
  static RuleValueRange of(NamedRule rule, AggregateFunction function) {
    if (function == null) {
      return amounts("an amount");
    }
    return switch (function) {
      // The window holds the judged transaction itself.
      case COUNT -> counted("a count", BigDecimal.ONE, null);
      case COUNT_DISTINCT -> distinctCount(rule);
      case SUM -> new RuleValueRange("a sum of amounts", BigDecimal.ZERO, false, null, false);
      case AVG -> amounts("an average of amounts");
      case MIN -> amounts("a minimum of amounts");
      case MAX -> amounts("a maximum of amounts");
    };
  }

  /**
   * A distinct count: of a field every transaction in the window shares with the judged one (the
   * group's, or the filter's), exactly 1; of a field no transaction lacks, at least 1 (the judged
   * one); else at least 0, as a missing value is not counted.
   */
  private static RuleValueRange distinctCount(NamedRule rule) {
    TransactionField field = rule.fieldValue();
    if (rule.groupByValue().contains(field) || rule.filterValue().containsKey(field)) {
      return counted(
          "a distinct count of a field the rule groups by or filters on",
          BigDecimal.ONE,
          BigDecimal.ONE);
    }
    if (REQUIRED.contains(field)) {
      return counted("a distinct count of " + field.wireName(), BigDecimal.ONE, null);
    }
    return counted("a distinct count", BigDecimal.ZERO, null);
  }

  /** An amount or the average, minimum or maximum of some: every amount is in (0, MAX_AMOUNT]. */
  private static RuleValueRange amounts(String what) {
    return new RuleValueRange(what, BigDecimal.ZERO, false, FraudJson.MAX_AMOUNT, false);
  }

  private static RuleValueRange counted(String what, BigDecimal least, BigDecimal most) {
    return new RuleValueRange(what, least, true, most, true);
  }

  /** Whether {@code value operator limit} holds for every value in the range. */
  boolean alwaysMeets(ComparisonOperator operator, BigDecimal limit) {
    return !someMeets(negation(operator), limit);
  }

  /** Whether {@code value operator limit} holds for no value in the range. */
  boolean neverMeets(ComparisonOperator operator, BigDecimal limit) {
    return !someMeets(operator, limit);
  }

  private boolean someMeets(ComparisonOperator operator, BigDecimal limit) {
    int fromLeast = least.compareTo(limit);
    return switch (operator) {
      case GT -> most == null || most.compareTo(limit) > 0;
      case GE -> most == null || most.compareTo(limit) >= 0;
      case LT -> fromLeast < 0;
      case LE -> fromLeast < 0 || (fromLeast == 0 && leastIncluded);
      case EQ -> holds(limit) && (!whole || limit.stripTrailingZeros().scale() <= 0);
      case NE -> !onePoint() || least.compareTo(limit) != 0;
    };
  }

  /** Whether the range holds {@code value}. */
  private boolean holds(BigDecimal value) {
    int fromLeast = value.compareTo(least);
    return (fromLeast > 0 || (fromLeast == 0 && leastIncluded))
        && (most == null || value.compareTo(most) <= 0);
  }

  private boolean onePoint() {
    return most != null && leastIncluded && least.compareTo(most) == 0;
  }

  /** "is always at least 1, a whole number". */
  String always() {
    if (onePoint()) {
      return what + " is always " + least.toPlainString();
    }
    return what
        + " is always "
        + (leastIncluded ? "at least " : "above ")
        + least.toPlainString()
        + (most == null ? "" : " and at most " + most.toPlainString())
        + (whole ? ", a whole number" : "");
  }

  private static ComparisonOperator negation(ComparisonOperator operator) {
    return switch (operator) {
      case GT -> ComparisonOperator.LE;
      case GE -> ComparisonOperator.LT;
      case LT -> ComparisonOperator.GE;
      case LE -> ComparisonOperator.GT;
      case EQ -> ComparisonOperator.NE;
      case NE -> ComparisonOperator.EQ;
    };
  }
}
