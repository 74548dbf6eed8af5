package io.fraudpipeline.control.backtests;

import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleKind;
import io.fraudpipeline.model.RuleSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A valid backtest request.
 *
 * @param candidates a rule set holding the candidate named rules, all active
 * @param from start of the range (inclusive), by transaction event time
 * @param to end of the range (exclusive)
 */
record BacktestRequest(RuleSet candidates, Instant from, Instant to) {

  List<String> ruleIds() {
    return candidates.rules().stream().map(NamedRule::id).toList();
  }

  /**
   * Where reading starts: the widest aggregate window before {@code from}, so the windows of the
   * first transactions in the range are as full as the live job's were.
   */
  Instant readFrom() {
    Duration widest = Duration.ZERO;
    for (NamedRule rule : candidates.rules()) {
      if (rule.kindValue() == RuleKind.AGGREGATE && rule.windowValue().compareTo(widest) > 0) {
        widest = rule.windowValue();
      }
    }
    return from.minus(widest);
  }
}
