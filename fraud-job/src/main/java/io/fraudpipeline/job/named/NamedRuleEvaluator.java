package io.fraudpipeline.job.named;

import io.fraudpipeline.model.AggregateFunction;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The one evaluation of named rules, without Flink: the live job's operators and a backtest call
 * exactly this, so what a backtest reports is what the job would raise.
 */
public final class NamedRuleEvaluator {

  private NamedRuleEvaluator() {}

  /**
   * A threshold rule on one transaction: the alert, or null when the filter does not match or the
   * comparison does not hold.
   */
  public static FraudAlert threshold(
      CompiledRules.Compiled rule, Transaction tx, long rulesVersion, Instant now) {
    if (!rule.matches(tx)) {
      return null;
    }
    BigDecimal value = rule.field().number(tx);
    if (value == null || !rule.operator().holds(value, rule.rule().limit())) {
      return null;
    }
    return FraudAlert.namedRuleAlert(tx, rule.rule(), rulesVersion, null, value, now);
  }

  /**
   * The outcome of judging one transaction by one aggregate rule.
   *
   * @param judged whether the transaction passed the rule's filter (and so was judged)
   * @param alertOrNull the alert when the rule fired
   */
  public record Judgement(boolean judged, FraudAlert alertOrNull) {}

  /**
   * An aggregate rule on one transaction of its group: adds the transaction to the group's window
   * (when it passes the filter), evicts what lies before the window, computes the aggregate over
   * the window ending at the transaction and compares it with the limit.
   *
   * @param window the group's entries for this rule, in judging order; changed in place
   * @return whether the transaction was judged, and the alert when the rule fires; a transaction
   *     the filter rejects leaves the window alone
   */
  public static Judgement aggregate(
      CompiledRules.Compiled rule,
      List<WindowEntry> window,
      Transaction tx,
      long rulesVersion,
      Instant now) {
    if (!rule.matches(tx)) {
      return new Judgement(false, null);
    }
    AggregateFunction function = rule.function();
    long time = tx.timestamp().toEpochMilli();
    RuleWindows.insert(
        window,
        new WindowEntry(
            time,
            tx.transactionId(),
            function.numeric() ? rule.field().number(tx) : null,
            function == AggregateFunction.COUNT_DISTINCT ? rule.field().text(tx) : null));
    RuleWindows.evictUpTo(window, time - rule.windowMillis());
    BigDecimal value =
        RuleWindows.aggregate(function, window, time, tx.transactionId(), rule.windowMillis());
    FraudAlert alert = null;
    if (value != null && rule.operator().holds(value, rule.rule().limit())) {
      alert =
          FraudAlert.namedRuleAlert(tx, rule.rule(), rulesVersion, rule.groupKey(tx), value, now);
    }
    return new Judgement(true, alert);
  }
}
