package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleKind;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reference for named rules, written from the documented semantics and nothing else: for each
 * transaction, look at every transaction of the whole input again. Quadratic, obvious, and shares
 * no code with the evaluator except the model's accessors.
 */
public final class BruteForce {

  /** One expected alert: which rule, on which transaction, with which value. */
  public record Expected(String ruleId, String transactionId, BigDecimal value) {}

  private static final Comparator<Transaction> JUDGING_ORDER =
      Comparator.comparing(Transaction::timestamp).thenComparing(Transaction::transactionId);

  private BruteForce() {}

  public static List<Expected> alerts(List<NamedRule> rules, List<Transaction> input) {
    List<Transaction> all = new ArrayList<>(input);
    all.sort(JUDGING_ORDER);
    List<Expected> out = new ArrayList<>();
    for (NamedRule rule : rules) {
      if (rule.state() != null && rule.state().equals("paused")) {
        continue;
      }
      for (Transaction tx : all) {
        if (!passes(rule, tx)) {
          continue;
        }
        BigDecimal value;
        if (rule.kindValue() == RuleKind.THRESHOLD) {
          value = tx.amount();
        } else {
          if (!hasGroup(rule, tx)) {
            continue;
          }
          value = aggregate(rule, tx, all);
        }
        if (value != null && compare(rule.operator(), value, rule.limit())) {
          out.add(new Expected(rule.id(), tx.transactionId(), value));
        }
      }
    }
    return out;
  }

  private static BigDecimal aggregate(NamedRule rule, Transaction judged, List<Transaction> all) {
    long w = rule.windowValue().toMillis();
    long t = judged.timestamp().toEpochMilli();
    List<Transaction> in = new ArrayList<>();
    for (Transaction other : all) {
      long u = other.timestamp().toEpochMilli();
      boolean notAfter = JUDGING_ORDER.compare(other, judged) <= 0;
      if (u > t - w && notAfter && passes(rule, other) && sameGroup(rule, judged, other)) {
        in.add(other);
      }
    }
    AggregateFunction f = rule.functionValue();
    switch (f) {
      case COUNT:
        return BigDecimal.valueOf(in.size());
      case COUNT_DISTINCT:
        // Amounts by value (compareTo: 250 and 250.00 are one), other fields as text.
        Set<Object> distinct = rule.fieldValue().numeric() ? new TreeSet<>() : new HashSet<>();
        for (Transaction x : in) {
          Object v =
              rule.fieldValue().numeric() ? rule.fieldValue().number(x) : rule.fieldValue().text(x);
          if (v != null) {
            distinct.add(v);
          }
        }
        return BigDecimal.valueOf(distinct.size());
      default:
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal min = null;
        BigDecimal max = null;
        for (Transaction x : in) {
          sum = sum.add(x.amount());
          min = min == null ? x.amount() : min.min(x.amount());
          max = max == null ? x.amount() : max.max(x.amount());
        }
        return switch (f) {
          case SUM -> sum;
          case AVG -> sum.divide(BigDecimal.valueOf(in.size()), MathContext.DECIMAL64);
          case MIN -> min;
          default -> max;
        };
    }
  }

  private static boolean passes(NamedRule rule, Transaction tx) {
    if (rule.filter() == null) {
      return true;
    }
    for (Map.Entry<String, String> f : rule.filter().entrySet()) {
      TransactionField field = TransactionField.fromWire(f.getKey()).orElseThrow();
      boolean equal =
          field.numeric()
              ? field.number(tx) != null
                  && field.number(tx).compareTo(new java.math.BigDecimal(f.getValue())) == 0
              : f.getValue().equals(field.text(tx));
      if (!equal) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasGroup(NamedRule rule, Transaction tx) {
    return rule.groupByValue().stream().allMatch(f -> f.text(tx) != null);
  }

  private static boolean sameGroup(NamedRule rule, Transaction a, Transaction b) {
    return rule.groupByValue().stream()
        .allMatch(
            f ->
                f.numeric()
                    ? f.number(a).compareTo(f.number(b)) == 0
                    : Objects.equals(f.text(a), f.text(b)));
  }

  private static boolean compare(String operator, BigDecimal value, BigDecimal limit) {
    int c = value.compareTo(limit);
    return switch (operator) {
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case "==" -> c == 0;
      case "!=" -> c != 0;
      default -> throw new IllegalArgumentException(operator);
    };
  }
}
