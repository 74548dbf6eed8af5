package io.fraudpipeline.job.named;

import io.fraudpipeline.job.JobMetrics;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

/**
 * Per named rule: evaluations and alerts, as counters and as per-second rates, in the metric group
 * {@code rule.<id>} of the operator that evaluates it. Registered when a rule is first evaluated;
 * Flink cannot unregister an operator's metrics, so a deleted rule's stop moving (at most {@link
 * io.fraudpipeline.model.NamedRule#MAX_RULES} per rule set, ids are few).
 */
public final class RuleMetrics {

  /** The metrics of one rule. */
  public record Of(Counter evaluations, Counter alerts) {}

  private final MetricGroup group;
  private final Map<String, Of> byRule = new HashMap<>();

  public RuleMetrics(MetricGroup group) {
    this.group = group;
  }

  public Of of(String ruleId) {
    Of metrics = byRule.get(ruleId);
    if (metrics == null) {
      MetricGroup rule = group.addGroup(JobMetrics.RULE_GROUP, ruleId);
      Counter evaluations = rule.counter(JobMetrics.RULE_EVALUATIONS);
      Counter alerts = rule.counter(JobMetrics.RULE_ALERTS);
      rule.meter(JobMetrics.RULE_EVALUATIONS_PER_SECOND, new MeterView(evaluations));
      rule.meter(JobMetrics.RULE_ALERTS_PER_SECOND, new MeterView(alerts));
      metrics = new Of(evaluations, alerts);
      byRule.put(ruleId, metrics);
    }
    return metrics;
  }
}
