package io.fraudpipeline.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks the named rules of a rule set, one problem per field, named by its path ({@code
 * rules[1].window}). Part of {@link RuleSetValidator}.
 */
final class NamedRuleValidator {

  /**
   * The alerts' rule names ({@link RuleId}): a named rule with a built-in rule's id would share its
   * alert ids, and one called {@code named} could not be told from all of them ({@code ?rule=named}
   * selects every named rule's alerts).
   */
  private static final Set<String> RESERVED_IDS =
      Arrays.stream(RuleId.values()).map(RuleId::wireName).collect(Collectors.toUnmodifiableSet());

  /** A number in plain notation: an optional minus, digits, an optional fraction. */
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?\\d{1,100}(\\.\\d{1,100})?");

  private NamedRuleValidator() {}

  /**
   * @param writing whether the checks for writing only apply: a rule of no use as written (a
   *     comparison every or no transaction meets, a count given a field), ids that differ only by
   *     '-' and '_', control characters in a name; the job evaluates such rules all the same, so a
   *     stored rule set is not refused for them ({@link RuleSetValidator#forReading()})
   */
  static void validate(List<NamedRule> rules, boolean writing, List<FieldError> errors) {
    if (rules.size() > NamedRule.MAX_RULES) {
      errors.add(
          new FieldError(
              "rules",
              "at most " + NamedRule.MAX_RULES + " rules are allowed, got " + rules.size()));
    }
    Map<String, SeenId> firstOfMetricName = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String at = "rules[" + i + "]";
      NamedRule rule = rules.get(i);
      if (rule == null) {
        errors.add(new FieldError(at, "must be a rule object, got null"));
        continue;
      }
      int errorsBefore = errors.size();
      checkId(rule, at, firstOfMetricName, i, writing, errors);
      checkName(rule.name(), at, writing, errors);
      if (rule.state() != null && RuleState.fromWire(rule.state()).isEmpty()) {
        errors.add(
            new FieldError(
                at + ".state", "must be active, shadow or paused, got '" + rule.state() + "'"));
      }
      checkComparison(rule, at, errors);
      checkFilter(rule, at, errors);
      if (rule.kind() == null) {
        errors.add(new FieldError(at + ".kind", "is required: threshold or aggregate"));
        continue;
      }
      RuleKind kind = RuleKind.fromWire(rule.kind()).orElse(null);
      if (kind == RuleKind.THRESHOLD) {
        checkThreshold(rule, at, errors);
      } else if (kind == RuleKind.AGGREGATE) {
        checkAggregate(rule, at, writing, errors);
      } else {
        errors.add(
            new FieldError(
                at + ".kind", "must be threshold or aggregate, got '" + rule.kind() + "'"));
      }
      if (writing && errors.size() == errorsBefore) {
        checkSomeTransactionEscapes(rule, kind, at, errors);
      }
    }
  }

  /**
   * Refuses a comparison that every transaction the rule takes meets, whatever the data: such a
   * rule alerts on each of them (one took a live pipeline's alerts topic over by mistake: {@code
   * count > -5}); and one that none meets: such a rule never alerts, silently (an analyst's {@code
   * <} for {@code >}: {@code count < 1}). What the value can be is {@link RuleValueRange}'s.
   */
  private static void checkSomeTransactionEscapes(
      NamedRule rule, RuleKind kind, String at, List<FieldError> errors) {
    ComparisonOperator operator = ComparisonOperator.fromWire(rule.operator()).orElseThrow();
    BigDecimal limit = rule.limit();
    AggregateFunction function =
        kind == RuleKind.AGGREGATE
            ? AggregateFunction.fromWire(rule.function()).orElseThrow()
            : null;
    RuleValueRange range = RuleValueRange.of(rule, function);
    String comparison = rule.operator() + " " + limit.toPlainString();
    if (range.alwaysMeets(operator, limit)) {
      errors.add(
          new FieldError(
              at + ".limit",
              comparison
                  + " holds for every transaction the rule takes ("
                  + range.always()
                  + "): it would alert on each one"));
    } else if (range.neverMeets(operator, limit)) {
      errors.add(
          new FieldError(
              at + ".limit",
              comparison
                  + " holds for no transaction the rule takes ("
                  + range.always()
                  + "): it would never alert"));
    }
  }

  private static void checkId(
      NamedRule rule,
      String at,
      Map<String, SeenId> seen,
      int index,
      boolean writing,
      List<FieldError> errors) {
    String id = rule.id();
    if (id == null) {
      errors.add(new FieldError(at + ".id", "is required"));
    } else if (!NamedRule.ID_PATTERN.matcher(id).matches()) {
      errors.add(
          new FieldError(
              at + ".id",
              "must be 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or"
                  + " digit, got '"
                  + id
                  + "'"));
    } else if (RESERVED_IDS.contains(id)) {
      errors.add(
          new FieldError(
              at + ".id",
              "'"
                  + id
                  + "' is reserved: the alerts' rule field names the built-in rules and 'named'"));
    } else {
      // Flink's Prometheus reporter writes '-' as '_' in label values: ids differing only there
      // would be one rule="…" series, and one rule would vanish from the dashboards (probe 7).
      // Stored rule sets are read by their ids as written: they may hold such a pair.
      SeenId first = seen.putIfAbsent(writing ? id.replace('-', '_') : id, new SeenId(index, id));
      if (first != null && first.id().equals(id)) {
        errors.add(
            new FieldError(
                at + ".id", "duplicate id '" + id + "' (also rules[" + first.index() + "])"));
      } else if (first != null) {
        errors.add(
            new FieldError(
                at + ".id",
                "'"
                    + id
                    + "' differs from rules["
                    + first.index()
                    + "]'s id '"
                    + first.id()
                    + "' only by '-' and '_': the two rules would share their metrics (Prometheus"
                    + " writes '-' as '_')"));
      }
    }
  }

  /** The first rule whose id has a given metric name: its position and its id as written. */
  private record SeenId(int index, String id) {}

  /**
   * At most {@link NamedRule#MAX_NAME_LENGTH} characters as a person counts them (code points: an
   * emoji is one, not two UTF-16 units), none a control character (a NUL, a line break), which
   * alerts, logs and dashboards would carry as they are.
   */
  private static void checkName(String name, String at, boolean writing, List<FieldError> errors) {
    if (name == null) {
      return;
    }
    int characters = RuleSetValidator.characters(name);
    if (characters > NamedRule.MAX_NAME_LENGTH) {
      errors.add(
          new FieldError(
              at + ".name",
              "must not be longer than "
                  + NamedRule.MAX_NAME_LENGTH
                  + " characters, got "
                  + characters));
      return;
    }
    int control = writing ? RuleSetValidator.firstControlCharacter(name) : -1;
    if (control >= 0) {
      errors.add(new FieldError(at + ".name", RuleSetValidator.controlCharacterAt(name, control)));
    }
  }

  private static void checkComparison(NamedRule rule, String at, List<FieldError> errors) {
    if (rule.operator() == null) {
      errors.add(new FieldError(at + ".operator", "is required: >, >=, <, <=, == or !="));
    } else if (ComparisonOperator.fromWire(rule.operator()).isEmpty()) {
      errors.add(
          new FieldError(
              at + ".operator", "must be >, >=, <, <=, == or !=, got '" + rule.operator() + "'"));
    }
    BigDecimal limit = rule.limit();
    if (limit == null) {
      errors.add(new FieldError(at + ".limit", "is required"));
    } else if (limit.abs().compareTo(NamedRule.MAX_LIMIT) > 0) {
      errors.add(
          new FieldError(at + ".limit", "must lie within ±" + NamedRule.MAX_LIMIT.toPlainString()));
    } else {
      RuleSetValidator.checkDecimals(at + ".limit", limit, errors);
    }
  }

  private static void checkFilter(NamedRule rule, String at, List<FieldError> errors) {
    if (rule.filter() == null) {
      return;
    }
    if (rule.filter().size() > NamedRule.MAX_FILTERS) {
      errors.add(
          new FieldError(at + ".filter", "at most " + NamedRule.MAX_FILTERS + " fields allowed"));
    }
    for (Map.Entry<String, String> e : rule.filter().entrySet()) {
      TransactionField field = TransactionField.fromWire(e.getKey()).orElse(null);
      if (field == null) {
        errors.add(new FieldError(at + ".filter." + e.getKey(), unknownField()));
      } else if (e.getValue() == null) {
        errors.add(new FieldError(at + ".filter." + e.getKey(), "must be a string, got null"));
      } else if (field.numeric()) {
        checkAmountFilter(e.getValue(), at + ".filter." + e.getKey(), errors);
      }
    }
  }

  /**
   * Refuses an amount no valid transaction has: the filter compares the amount by value, so {@code
   * "abc"} or {@code "1e3"} could not be read and {@code "-5"} would never match.
   */
  private static void checkAmountFilter(String value, String path, List<FieldError> errors) {
    BigDecimal amount = PLAIN_DECIMAL.matcher(value).matches() ? new BigDecimal(value) : null;
    if (amount == null) {
      errors.add(
          new FieldError(
              path,
              "must be a number, written as a string in plain notation (no exponent) such as"
                  + " \"250.00\", got '"
                  + value
                  + "'"));
    } else if (amount.signum() <= 0 || amount.compareTo(FraudJson.MAX_AMOUNT) > 0) {
      errors.add(
          new FieldError(
              path,
              "must be greater than 0 and at most "
                  + FraudJson.MAX_AMOUNT
                  + ", as every transaction's amount is, got '"
                  + value
                  + "'"));
    }
  }

  private static void checkThreshold(NamedRule rule, String at, List<FieldError> errors) {
    if (rule.field() == null) {
      errors.add(new FieldError(at + ".field", "is required: amount"));
    } else if (TransactionField.fromWire(rule.field()).isEmpty()) {
      errors.add(new FieldError(at + ".field", unknownField()));
    } else if (!TransactionField.fromWire(rule.field()).get().numeric()) {
      errors.add(
          new FieldError(
              at + ".field", "a threshold compares a number: amount, got '" + rule.field() + "'"));
    }
    for (String aggregateOnly : List.of("group_by", "function", "window")) {
      boolean present =
          switch (aggregateOnly) {
            case "group_by" -> rule.groupBy() != null;
            case "function" -> rule.function() != null;
            default -> rule.window() != null;
          };
      if (present) {
        errors.add(new FieldError(at + "." + aggregateOnly, "only an aggregate rule has one"));
      }
    }
  }

  private static void checkAggregate(
      NamedRule rule, String at, boolean writing, List<FieldError> errors) {
    AggregateFunction function = null;
    if (rule.function() == null) {
      errors.add(
          new FieldError(
              at + ".function", "is required: count, count_distinct, sum, avg, min or max"));
    } else {
      function = AggregateFunction.fromWire(rule.function()).orElse(null);
      if (function == null) {
        errors.add(
            new FieldError(
                at + ".function",
                "must be count, count_distinct, sum, avg, min or max, got '"
                    + rule.function()
                    + "'"));
      }
    }
    if (rule.field() != null && TransactionField.fromWire(rule.field()).isEmpty()) {
      errors.add(new FieldError(at + ".field", unknownField()));
    } else if (function == AggregateFunction.COUNT && rule.field() != null) {
      // Accepted silently, it read as "count the distinct values of the field", which it is not;
      // the job counts the transactions, ignoring the field.
      if (writing) {
        errors.add(
            new FieldError(
                at + ".field",
                "count counts the group's transactions and takes no field (count_distinct counts a"
                    + " field's distinct values), got '"
                    + rule.field()
                    + "'"));
      }
    } else if (function != null && function != AggregateFunction.COUNT) {
      if (rule.field() == null) {
        errors.add(new FieldError(at + ".field", "is required by " + function.wireName()));
      } else if (function.numeric() && !TransactionField.fromWire(rule.field()).get().numeric()) {
        errors.add(
            new FieldError(
                at + ".field",
                function.wireName() + " needs a number: amount, got '" + rule.field() + "'"));
      }
    }
    checkGroupBy(rule, at, errors);
    checkWindow(rule, at, errors);
  }

  private static void checkGroupBy(NamedRule rule, String at, List<FieldError> errors) {
    List<String> groupBy = rule.groupBy();
    if (groupBy == null || groupBy.isEmpty()) {
      errors.add(
          new FieldError(
              at + ".group_by", "is required: one or more fields, e.g. [\"account_id\"]"));
      return;
    }
    if (groupBy.size() > NamedRule.MAX_GROUP_BY) {
      errors.add(
          new FieldError(
              at + ".group_by", "at most " + NamedRule.MAX_GROUP_BY + " fields allowed"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < groupBy.size(); i++) {
      String name = groupBy.get(i);
      if (name == null || TransactionField.fromWire(name).isEmpty()) {
        errors.add(new FieldError(at + ".group_by[" + i + "]", unknownField()));
      } else if (!seen.add(name)) {
        errors.add(new FieldError(at + ".group_by[" + i + "]", "duplicate field '" + name + "'"));
      }
    }
  }

  private static void checkWindow(NamedRule rule, String at, List<FieldError> errors) {
    if (rule.window() == null) {
      errors.add(new FieldError(at + ".window", "is required: an ISO-8601 duration such as PT10M"));
      return;
    }
    Duration window;
    try {
      window = Duration.parse(rule.window());
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError(
              at + ".window",
              "must be an ISO-8601 duration such as PT10M or PT1H, got '" + rule.window() + "'"));
      return;
    }
    if (window.compareTo(NamedRule.MIN_WINDOW) < 0) {
      errors.add(new FieldError(at + ".window", "must be at least " + NamedRule.MIN_WINDOW));
    } else if (window.compareTo(NamedRule.MAX_WINDOW) > 0) {
      errors.add(
          new FieldError(
              at + ".window", "is too long: at most " + NamedRule.MAX_WINDOW + " (one day)"));
    }
  }

  private static String unknownField() {
    return "unknown field: one of " + TransactionField.wireNames();
  }
}
