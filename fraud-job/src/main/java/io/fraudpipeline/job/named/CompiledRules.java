package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import io.fraudpipeline.model.ComparisonOperator;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleKind;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named rules of one rule set that the job evaluates (active and shadow; paused ones are left
 * out), typed once per rule set instead of once per transaction.
 */
public final class CompiledRules {

  /**
   * A rule with its parsed parts.
   *
   * @param field the field compared or aggregated; null for {@code count}
   * @param function the aggregate; null for a threshold rule
   * @param windowMillis the aggregate's window; 0 for a threshold rule
   */
  public record Compiled(
      NamedRule rule,
      List<TransactionField> groupBy,
      String groupBySpec,
      Map<TransactionField, String> filter,
      TransactionField field,
      ComparisonOperator operator,
      AggregateFunction function,
      long windowMillis) {

    /** Whether the transaction passes the rule's filter (every field equal). */
    public boolean matches(Transaction tx) {
      for (Map.Entry<TransactionField, String> f : filter.entrySet()) {
        if (!f.getValue().equals(f.getKey().text(tx))) {
          return false;
        }
      }
      return true;
    }

    /** The group's fields and values, in rule order. */
    public Map<String, String> groupKey(Transaction tx) {
      Map<String, String> key = new LinkedHashMap<>();
      for (TransactionField f : groupBy) {
        key.put(f.wireName(), f.text(tx));
      }
      return key;
    }
  }

  public static final CompiledRules NONE = new CompiledRules(RuleSet.DEFAULT);

  private final RuleSet source;
  private final List<Compiled> thresholds = new ArrayList<>();
  private final Map<String, List<Compiled>> aggregatesByGroupBy = new LinkedHashMap<>();
  private final Map<String, List<TransactionField>> groupByFields = new LinkedHashMap<>();

  /** Compiles a valid rule set's named rules. */
  public CompiledRules(RuleSet rules) {
    this.source = rules;
    for (NamedRule rule : rules.rules()) {
      if (!rule.evaluated()) {
        continue;
      }
      boolean aggregate = rule.kindValue() == RuleKind.AGGREGATE;
      List<TransactionField> groupBy = rule.groupByValue();
      String spec = String.join(",", groupBy.stream().map(TransactionField::wireName).toList());
      Compiled compiled =
          new Compiled(
              rule,
              groupBy,
              spec,
              rule.filterValue(),
              rule.fieldValue(),
              rule.operatorValue(),
              aggregate ? rule.functionValue() : null,
              aggregate ? rule.windowValue().toMillis() : 0);
      if (aggregate) {
        aggregatesByGroupBy.computeIfAbsent(spec, s -> new ArrayList<>()).add(compiled);
        groupByFields.putIfAbsent(spec, groupBy);
      } else {
        thresholds.add(compiled);
      }
    }
  }

  /** The rule set these were compiled from. */
  public RuleSet source() {
    return source;
  }

  public List<Compiled> thresholds() {
    return thresholds;
  }

  /** The aggregate rules grouping by {@code spec} (see {@link GroupedTransaction#groupBy()}). */
  public List<Compiled> aggregates(String spec) {
    return aggregatesByGroupBy.getOrDefault(spec, List.of());
  }

  /**
   * How long a group of {@code spec} keeps a transaction: the widest window of its rules; 0 when no
   * rule groups by it.
   */
  public long widestWindowMillis(String spec) {
    long widest = 0;
    for (Compiled rule : aggregates(spec)) {
      widest = Math.max(widest, rule.windowMillis());
    }
    return widest;
  }

  public boolean hasAggregates() {
    return !aggregatesByGroupBy.isEmpty();
  }

  /** Every evaluated aggregate rule, by id. */
  public Map<String, Compiled> aggregatesById() {
    Map<String, Compiled> byId = new LinkedHashMap<>();
    aggregatesByGroupBy.values().forEach(list -> list.forEach(c -> byId.put(c.rule().id(), c)));
    return byId;
  }

  /**
   * The transaction once for each distinct {@code group_by} of the aggregate rules, keyed by its
   * group; none for a group with a missing field (such a transaction belongs to no group).
   */
  public List<GroupedTransaction> groupings(Transaction tx) {
    List<GroupedTransaction> out = new ArrayList<>(groupByFields.size());
    for (Map.Entry<String, List<TransactionField>> spec : groupByFields.entrySet()) {
      StringBuilder key = new StringBuilder(spec.getKey());
      boolean complete = true;
      for (TransactionField f : spec.getValue()) {
        String value = f.text(tx);
        if (value == null) {
          complete = false;
          break;
        }
        key.append('\0').append(value);
      }
      if (complete) {
        out.add(new GroupedTransaction(spec.getKey(), key.toString(), tx));
      }
    }
    return out;
  }
}
