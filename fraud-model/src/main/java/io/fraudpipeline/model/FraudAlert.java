package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * An alert on the {@code fraud-alerts} topic.
 *
 * @param alertId {@code transaction_id + ":" + rule}: the same transaction judged twice by the same
 *     rule yields the same id, so a duplicate is detectable downstream
 * @param accountId the account, also the record key
 * @param rule which rule fired
 * @param reason human-readable explanation
 * @param rulesVersion version of the rule set that judged the transaction
 * @param threshold the amount threshold that was exceeded (amount rules only)
 * @param parameters the rule's parameters and observations (e.g. window and count for velocity)
 * @param transaction the whole triggering transaction
 * @param eventTime the transaction's event time
 * @param detectedAt when the job raised the alert
 * @param ruleId named rules only: the rule's id
 * @param ruleName named rules only: the rule's name, if it has one
 * @param ruleState named rules only: {@code active} or {@code shadow} (then the alert is on the
 *     shadow topic)
 * @param groupKey aggregate rules: the {@code group_by} fields and their values, in rule order
 * @param value named rules: what was compared with the limit (the field, or the aggregate)
 * @param window aggregate rules: the window (ISO-8601 duration) the aggregate was taken over
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FraudAlert(
    String alertId,
    String accountId,
    RuleId rule,
    String reason,
    long rulesVersion,
    BigDecimal threshold,
    Map<String, Object> parameters,
    Transaction transaction,
    Instant eventTime,
    Instant detectedAt,
    String ruleId,
    String ruleName,
    RuleState ruleState,
    Map<String, String> groupKey,
    BigDecimal value,
    String window) {

  /** An alert of a built-in rule, which has none of the named rules' fields. */
  public FraudAlert(
      String alertId,
      String accountId,
      RuleId rule,
      String reason,
      long rulesVersion,
      BigDecimal threshold,
      Map<String, Object> parameters,
      Transaction transaction,
      Instant eventTime,
      Instant detectedAt) {
    this(
        alertId,
        accountId,
        rule,
        reason,
        rulesVersion,
        threshold,
        parameters,
        transaction,
        eventTime,
        detectedAt,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Whether the alert belongs on the shadow topic. */
  public boolean shadow() {
    return ruleState == RuleState.SHADOW;
  }

  /**
   * The alert of a named rule that fired.
   *
   * @param groupKey the group's fields and values (aggregate rules), else null
   * @param value the value compared with the rule's limit
   */
  public static FraudAlert namedRuleAlert(
      Transaction tx,
      NamedRule rule,
      long rulesVersion,
      Map<String, String> groupKey,
      BigDecimal value,
      Instant detectedAt) {
    boolean aggregate = rule.kindValue() == RuleKind.AGGREGATE;
    String measured =
        aggregate
            ? rule.function()
                + (rule.field() == null ? "" : "(" + rule.field() + ")")
                + " over "
                + rule.window()
                + " for "
                + groupKey
            : rule.field();
    String reason =
        measured
            + " is "
            + value.toPlainString()
            + ", "
            + rule.operator()
            + " "
            + rule.limit().toPlainString()
            + " (rule "
            + rule.id()
            + (rule.name() == null ? "" : ": " + rule.name())
            + ")";
    return new FraudAlert(
        tx.transactionId() + ":" + rule.id(),
        tx.accountId(),
        RuleId.NAMED,
        reason,
        rulesVersion,
        null,
        null,
        tx,
        tx.timestamp(),
        detectedAt,
        rule.id(),
        rule.name(),
        rule.stateValue(),
        groupKey,
        value,
        aggregate ? rule.window() : null);
  }

  /** The deterministic alert id for a transaction and rule. */
  public static String alertId(String transactionId, RuleId rule) {
    return transactionId + ":" + rule.wireName();
  }

  /**
   * The alert for a transaction whose amount exceeds the threshold that applies to it, or {@code
   * null} when it does not. Amount rules are stateless: this is all the job needs to judge them.
   */
  public static FraudAlert amountAlertOrNull(Transaction tx, RuleSet rules, Instant detectedAt) {
    BigDecimal threshold = rules.thresholdFor(tx.merchantCategory());
    if (tx.amount().compareTo(threshold) <= 0) {
      return null;
    }
    boolean category = rules.hasCategoryThreshold(tx.merchantCategory());
    RuleId rule = category ? RuleId.CATEGORY_THRESHOLD : RuleId.AMOUNT_THRESHOLD;
    String reason =
        category
            ? "amount "
                + tx.amount().toPlainString()
                + " exceeds the "
                + tx.merchantCategory()
                + " threshold of "
                + threshold.toPlainString()
            : "amount "
                + tx.amount().toPlainString()
                + " exceeds the threshold of "
                + threshold.toPlainString();
    Map<String, Object> parameters =
        category
            ? Map.of("merchant_category", tx.merchantCategory(), "threshold", threshold)
            : Map.of("threshold", threshold);
    return new FraudAlert(
        alertId(tx.transactionId(), rule),
        tx.accountId(),
        rule,
        reason,
        rules.version(),
        threshold,
        parameters,
        tx,
        tx.timestamp(),
        detectedAt);
  }

  /** The alert for a transaction that made its account exceed the velocity rule. */
  public static FraudAlert velocityAlert(
      Transaction tx, RuleSet rules, int countInWindow, Instant detectedAt) {
    VelocityRule velocity = rules.velocity();
    String reason =
        countInWindow
            + " transactions of account "
            + tx.accountId()
            + " within "
            + velocity.windowSeconds()
            + " s (more than "
            + velocity.maxTransactions()
            + " allowed)";
    return new FraudAlert(
        alertId(tx.transactionId(), RuleId.VELOCITY),
        tx.accountId(),
        RuleId.VELOCITY,
        reason,
        rules.version(),
        null,
        Map.of(
            "max_transactions", velocity.maxTransactions(),
            "window_seconds", velocity.windowSeconds(),
            "count", countInWindow),
        tx,
        tx.timestamp(),
        detectedAt);
  }
}
