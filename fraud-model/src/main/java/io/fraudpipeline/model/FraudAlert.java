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
    Instant detectedAt) {

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
