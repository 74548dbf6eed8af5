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
    BigDecimal value = rule.rule().fieldValue().number(tx);
    if (value == null || !rule.rule().operatorValue().holds(value, rule.rule().limit())) {
      return null;
    }
    return FraudAlert.namedRuleAlert(tx, rule.rule(), rulesVersion, null, value, now);
  }

  /**
   * The outcome of judging one transaction by one aggregate rule.
   *
   * @param window the group's window for the rule afterwards
   * @param judged whether the transaction passed the rule's filter (and so was judged)
   * @param alertOrNull the alert when the rule fired
   */
  public record Judgement(List<WindowEntry> window, boolean judged, FraudAlert alertOrNull) {}

  /**
   * An aggregate rule on one transaction of its group: adds the transaction to the group's window
   * (when it passes the filter), evicts what lies before the window, computes the aggregate over
   * the window ending at the transaction and compares it with the limit.
   *
   * @param window the group's entries for this rule (never changed)
   * @return the new window, and the alert when the rule fires; for a transaction the filter
   *     rejects, the window unchanged and no alert
   */
  public static Judgement aggregate(
      CompiledRules.Compiled rule,
      List<WindowEntry> window,
      Transaction tx,
      long rulesVersion,
      Instant now) {
    if (!rule.matches(tx)) {
      return new Judgement(window, false, null);
    }
    AggregateFunction function = rule.rule().functionValue();
    long time = tx.timestamp().toEpochMilli();
    WindowEntry entry =
        new WindowEntry(
            time,
            tx.transactionId(),
            function.numeric() ? rule.rule().fieldValue().number(tx) : null,
            function == AggregateFunction.COUNT_DISTINCT
                ? rule.rule().fieldValue().text(tx)
                : null);
    List<WindowEntry> updated =
        RuleWindows.evictUpTo(RuleWindows.insert(window, entry), time - rule.windowMillis());
    BigDecimal value =
        RuleWindows.aggregate(function, updated, time, tx.transactionId(), rule.windowMillis());
    FraudAlert alert = null;
    if (value != null && rule.rule().operatorValue().holds(value, rule.rule().limit())) {
      alert =
          FraudAlert.namedRuleAlert(tx, rule.rule(), rulesVersion, rule.groupKey(tx), value, now);
    }
    return new Judgement(updated, true, alert);
  }
}
