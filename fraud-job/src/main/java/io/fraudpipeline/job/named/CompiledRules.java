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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named rules of one rule set that the job evaluates (active and shadow; paused ones are left
 * out), typed once per rule set instead of once per transaction.
 */
public final class CompiledRules {

  /**
   * A rule with its parsed parts.
   *
   * @param keyFields the fields {@code aggregate-rules} is keyed by for this rule (see {@link
   *     #keyFields(List)})
   * @param keySpec {@code keyFields}' wire names, comma-separated
   * @param beyondKey the {@code group_by} fields the key does not hold
   * @param sameAsJudged the fields in which a held transaction must equal the judged one to count
   *     in its window: the filter's (the judged one passes it) and {@code beyondKey}
   * @param filter the rule's {@code filter}, compiled (its fields are in {@code sameAsJudged})
   * @param field the field compared or aggregated; null for {@code count}
   * @param function the aggregate; null for a threshold rule
   * @param windowMillis the aggregate's window; 0 for a threshold rule
   * @param limitUnits the limit in {@link HeldTransactions#units} (so that aggregates of amounts
   *     compare with it as longs), or {@link HeldTransactions#NO_UNITS} when it has none or more
   *     than 16 digits (see {@link RuleWindows.Window#firing})
   * @param groupByMask {@code groupBy} as a {@link #presentFields} mask
   */
  public record Compiled(
      NamedRule rule,
      List<TransactionField> groupBy,
      List<TransactionField> keyFields,
      String keySpec,
      List<TransactionField> beyondKey,
      List<TransactionField> sameAsJudged,
      RuleFilter filter,
      TransactionField field,
      ComparisonOperator operator,
      AggregateFunction function,
      long windowMillis,
      long limitUnits,
      int groupByMask) {

    /** Whether the transaction passes the rule's filter (every field equal). */
    public boolean matches(Transaction tx) {
      return filter.matches(tx);
    }

    /** Whether the transaction belongs to a group: it has every {@code group_by} field. */
    public boolean hasGroup(Transaction tx) {
      return hasGroup(presentFields(tx));
    }

    private boolean hasGroup(int presentFields) {
      return (presentFields & groupByMask) == groupByMask;
    }

    /** Whether the rule judges the transaction: it belongs to a group and passes the filter. */
    public boolean judges(Transaction tx) {
      return judges(tx, presentFields(tx));
    }

    /**
     * {@link #judges(Transaction)}, given the transaction's {@link #presentFields}: worked out once
     * for all the rules of a key (each rule reading its fields was 7 % of {@code aggregate-rules}'
     * thread in a JFR profile).
     */
    public boolean judges(Transaction tx, int presentFields) {
      return hasGroup(presentFields) && matches(tx);
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

  /** Which fields {@code tx} has: bit {@code 1 << f.ordinal()} for each field {@code f}. */
  public static int presentFields(Transaction tx) {
    return present(TransactionField.TRANSACTION_ID, tx.transactionId())
        | present(TransactionField.ACCOUNT_ID, tx.accountId())
        | present(TransactionField.AMOUNT, tx.amount())
        | present(TransactionField.CURRENCY, tx.currency())
        | present(TransactionField.MERCHANT, tx.merchant())
        | present(TransactionField.MERCHANT_CATEGORY, tx.merchantCategory())
        | present(TransactionField.COUNTRY, tx.country());
  }

  private static int present(TransactionField field, Object value) {
    return value == null ? 0 : 1 << field.ordinal();
  }

  private static int maskOf(List<TransactionField> fields) {
    int mask = 0;
    for (TransactionField f : fields) {
      mask |= 1 << f.ordinal();
    }
    return mask;
  }

  /**
   * Identifiers with many values, most selective first: every aggregate rule whose {@code group_by}
   * holds one of them is keyed by that field alone, so rules per card with different groupings
   * share one keyed hop, one state value and one timer per card.
   */
  private static final List<TransactionField> SHARED_KEYS =
      List.of(TransactionField.ACCOUNT_ID, TransactionField.MERCHANT);

  /**
   * The fields {@code aggregate-rules} is keyed by for a rule grouping by {@code groupBy}: the
   * first of {@link #SHARED_KEYS} it holds, else all of it (a grouping of few values, such as a
   * category, keeps its own keys rather than crowding onto fewer).
   */
  static List<TransactionField> keyFields(List<TransactionField> groupBy) {
    for (TransactionField shared : SHARED_KEYS) {
      if (groupBy.contains(shared)) {
        return List.of(shared);
      }
    }
    return groupBy;
  }

  public static final CompiledRules NONE = new CompiledRules(RuleSet.DEFAULT);

  private final RuleSet source;
  private final List<Compiled> thresholds = new ArrayList<>();
  private final Map<String, List<Compiled>> aggregatesByKeySpec = new LinkedHashMap<>();
  private final Map<String, Grouping> groupingsByKeySpec = new LinkedHashMap<>();
  private final Map<String, List<TransactionField>> keyFieldsBySpec = new LinkedHashMap<>();

  /** Compiles a valid rule set's named rules. */
  public CompiledRules(RuleSet rules) {
    this.source = rules;
    for (NamedRule rule : rules.rules()) {
      if (!rule.evaluated()) {
        continue;
      }
      boolean aggregate = rule.kindValue() == RuleKind.AGGREGATE;
      List<TransactionField> groupBy = rule.groupByValue();
      List<TransactionField> keyFields = keyFields(groupBy);
      String keySpec =
          String.join(",", keyFields.stream().map(TransactionField::wireName).toList());
      List<TransactionField> beyondKey =
          groupBy.stream().filter(f -> !keyFields.contains(f)).toList();
      Set<TransactionField> sameAsJudged = new LinkedHashSet<>(rule.filterValue().keySet());
      sameAsJudged.addAll(beyondKey);
      Compiled compiled =
          new Compiled(
              rule,
              groupBy,
              keyFields,
              keySpec,
              beyondKey,
              List.copyOf(sameAsJudged),
              RuleFilter.of(rule.filterValue()),
              rule.fieldValue(),
              rule.operatorValue(),
              aggregate ? rule.functionValue() : null,
              aggregate ? rule.windowValue().toMillis() : 0,
              rule.limit().precision() > RuleWindows.AVG_CONTEXT.getPrecision()
                  ? HeldTransactions.NO_UNITS
                  : HeldTransactions.unitsOf(rule.limit()),
              maskOf(groupBy));
      if (aggregate) {
        aggregatesByKeySpec.computeIfAbsent(keySpec, s -> new ArrayList<>()).add(compiled);
        keyFieldsBySpec.putIfAbsent(keySpec, keyFields);
      } else {
        thresholds.add(compiled);
      }
    }
    aggregatesByKeySpec.forEach((spec, list) -> groupingsByKeySpec.put(spec, Grouping.of(list)));
  }

  /** The aggregate rules keyed by {@code spec}, with how to evaluate them. */
  public Grouping grouping(String spec) {
    return groupingsByKeySpec.getOrDefault(spec, NO_GROUPING);
  }

  /**
   * The aggregate rules of one key spec, as {@code aggregate-rules} evaluates them.
   *
   * @param rules in rule order
   * @param widestMillis the widest of their windows: how long a key keeps a transaction
   * @param scans the passes over a window that serve them all (see {@link RuleWindows.Scan})
   * @param scanOf for each rule, the index of its scan
   */
  public record Grouping(
      List<Compiled> rules, long widestMillis, List<RuleWindows.Scan> scans, int[] scanOf) {

    /** Whether some rule judges {@code tx} (so that its key holds it). */
    public boolean takes(Transaction tx) {
      int present = presentFields(tx);
      for (int r = 0; r < rules.size(); r++) {
        if (rules.get(r).judges(tx, present)) {
          return true;
        }
      }
      return false;
    }

    static Grouping of(List<Compiled> rules) {
      List<RuleWindows.Scan> scans = new ArrayList<>();
      int[] scanOf = new int[rules.size()];
      long widest = 0;
      for (int r = 0; r < rules.size(); r++) {
        Compiled rule = rules.get(r);
        widest = Math.max(widest, rule.windowMillis());
        int s = 0;
        while (s < scans.size() && !scans.get(s).selectsAs(rule)) {
          s++;
        }
        if (s < scans.size()) {
          scans.set(s, scans.get(s).with(rule));
        } else {
          scans.add(RuleWindows.Scan.of(rule));
        }
        scanOf[r] = s;
      }
      return new Grouping(List.copyOf(rules), widest, List.copyOf(scans), scanOf);
    }
  }

  private static final Grouping NO_GROUPING = Grouping.of(List.of());

  /** The rule set these were compiled from. */
  public RuleSet source() {
    return source;
  }

  public List<Compiled> thresholds() {
    return thresholds;
  }

  /** The aggregate rules keyed by {@code spec} (see {@link GroupedTransaction#keySpec()}). */
  public List<Compiled> aggregates(String spec) {
    return aggregatesByKeySpec.getOrDefault(spec, List.of());
  }

  /**
   * How long a key of {@code spec} keeps a transaction: the widest window of its rules; 0 when no
   * rule is keyed by it.
   */
  public long widestWindowMillis(String spec) {
    return grouping(spec).widestMillis();
  }

  public boolean hasAggregates() {
    return !aggregatesByKeySpec.isEmpty();
  }

  /** Every evaluated aggregate rule, by id. */
  public Map<String, Compiled> aggregatesById() {
    Map<String, Compiled> byId = new LinkedHashMap<>();
    aggregatesByKeySpec.values().forEach(list -> list.forEach(c -> byId.put(c.rule().id(), c)));
    return byId;
  }

  /**
   * The transaction once for each distinct key of the aggregate rules (see {@link
   * #keyFields(List)}), keyed by its values; none for a key with a missing field (such a
   * transaction belongs to no group of those rules).
   */
  public List<GroupedTransaction> groupings(Transaction tx) {
    List<GroupedTransaction> out = new ArrayList<>(keyFieldsBySpec.size());
    for (Map.Entry<String, List<TransactionField>> spec : keyFieldsBySpec.entrySet()) {
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

  /**
   * The key spec of the first of {@link #groupings}' records for {@code tx}, or null when it has
   * none: the one record of the transaction that stands for it all where it is counted once.
   */
  public String firstKeySpec(Transaction tx) {
    for (Map.Entry<String, List<TransactionField>> spec : keyFieldsBySpec.entrySet()) {
      if (spec.getValue().stream().allMatch(f -> f.text(tx) != null)) {
        return spec.getKey();
      }
    }
    return null;
  }
}
