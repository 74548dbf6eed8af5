package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A rule a fraud analyst wrote, as it travels in the rule set's {@code rules} list. Kept as sent
 * (the enumerations as their wire strings), so {@link RuleSetValidator} can name what is wrong with
 * each field; the typed accessors ({@link #kindValue()}, ...) are for rules that passed it.
 *
 * @param id unique within the rule set; part of every alert id ({@code transaction_id:id})
 * @param name human-readable name, copied into alerts (optional)
 * @param state {@code active}, {@code shadow} or {@code paused}; left out: {@code active}
 * @param kind {@code threshold} (one transaction) or {@code aggregate} (a sliding window)
 * @param field the transaction field compared ({@code threshold}: {@code amount}) or aggregated
 *     (not needed by {@code count})
 * @param operator {@code >}, {@code >=}, {@code <}, {@code <=}, {@code ==} or {@code !=}
 * @param limit the rule fires when {@code value operator limit} holds
 * @param filter only transactions whose fields equal all of these count (optional)
 * @param groupBy {@code aggregate}: the fields whose values form one window each
 * @param function {@code aggregate}: {@code count}, {@code count_distinct}, {@code sum}, {@code
 *     avg}, {@code min} or {@code max}
 * @param window {@code aggregate}: ISO-8601 duration of the sliding event-time window ending at the
 *     judged transaction and including it, e.g. {@code PT10M}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NamedRule(
    String id,
    String name,
    String state,
    String kind,
    String field,
    String operator,
    BigDecimal limit,
    Map<String, String> filter,
    List<String> groupBy,
    String function,
    @JsonDeserialize(using = FraudJson.IsoDurationText.class) String window) {

  /** Most named rules in one rule set: each aggregate rule costs state and work per transaction. */
  public static final int MAX_RULES = 100;

  /** Widest window: per-group state is kept this long at most. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  /** Narrowest window. */
  public static final Duration MIN_WINDOW = Duration.ofSeconds(1);

  /** Most {@code group_by} fields of one rule. */
  public static final int MAX_GROUP_BY = 3;

  /** Most {@code filter} entries of one rule. */
  public static final int MAX_FILTERS = 10;

  /** Longest {@code name}, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  /** Largest absolute {@code limit}. */
  public static final BigDecimal MAX_LIMIT = new BigDecimal("1000000000000");

  /**
   * Rule ids: lower-case letters, digits, {@code -} and {@code _}, 1 to 64, a letter or digit
   * first.
   */
  public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public NamedRule {
    filter = filter == null ? null : Map.copyOf(filter);
    groupBy = groupBy == null ? null : List.copyOf(groupBy);
    window = normalWindow(window);
  }

  /**
   * A window in {@link Duration}'s ISO form ({@code pt1m} and {@code PT60S} are {@code PT1M},
   * {@code P1D} is {@code PT24H}), so one rule is stored, compared and shown one way however it was
   * written: else re-sending it spelled otherwise recorded a change in the rules' history. What is
   * no duration is kept as sent, for the validator to quote.
   */
  private static String normalWindow(String window) {
    if (window == null) {
      return null;
    }
    try {
      return Duration.parse(window).toString();
    } catch (java.time.format.DateTimeParseException e) {
      return window;
    }
  }

  /** The rule's state; {@code active} when left out. Valid rules only. */
  public RuleState stateValue() {
    return state == null ? RuleState.ACTIVE : RuleState.fromWire(state).orElseThrow();
  }

  public RuleKind kindValue() {
    return RuleKind.fromWire(kind).orElseThrow();
  }

  public ComparisonOperator operatorValue() {
    return ComparisonOperator.fromWire(operator).orElseThrow();
  }

  /** The field compared or aggregated; null for {@code count}. */
  public TransactionField fieldValue() {
    return field == null ? null : TransactionField.fromWire(field).orElseThrow();
  }

  public AggregateFunction functionValue() {
    return AggregateFunction.fromWire(function).orElseThrow();
  }

  public Duration windowValue() {
    return Duration.parse(window);
  }

  /** The {@code group_by} fields, in the order given. */
  public List<TransactionField> groupByValue() {
    return groupBy == null
        ? List.of()
        : groupBy.stream().map(f -> TransactionField.fromWire(f).orElseThrow()).toList();
  }

  /** The {@code filter}, as fields and the values they must equal. */
  public Map<TransactionField, String> filterValue() {
    if (filter == null) {
      return Map.of();
    }
    java.util.EnumMap<TransactionField, String> typed =
        new java.util.EnumMap<>(TransactionField.class);
    filter.forEach((k, v) -> typed.put(TransactionField.fromWire(k).orElseThrow(), v));
    return typed;
  }

  /** Whether the job evaluates it (active or shadow). */
  public boolean evaluated() {
    return stateValue() != RuleState.PAUSED;
  }
}
