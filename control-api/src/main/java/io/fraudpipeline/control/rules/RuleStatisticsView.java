package io.fraudpipeline.control.rules;

import java.time.Instant;
import java.util.List;

/**
 * Named rules with what the running job reports for them ({@code GET /api/v1/rules/stats}).
 *
 * @param jobId the job the figures come from; absent when no job is active (then no rule has any)
 * @param version the version of the rule set the rules are listed from
 * @param observedAt when Flink was asked
 * @param rules each named rule in the rule set's order
 */
public record RuleStatisticsView(String jobId, long version, Instant observedAt, List<Rule> rules) {

  /**
   * One named rule; each figure is absent until the job has judged a transaction with the rule (a
   * paused rule judges none), and sums the subtasks of the operator that judges it.
   *
   * @param evaluations transactions the rule judged (those its filter let through) since the job
   *     last started
   * @param alerts alerts it raised since the job last started (to {@code fraud-alerts-shadow} for a
   *     rule in {@code shadow} state)
   * @param evaluationsPerSecond evaluations per second over the last minute
   * @param alertsPerSecond alerts per second over the last minute
   */
  public record Rule(
      String id,
      String name,
      String state,
      String kind,
      Long evaluations,
      Long alerts,
      Double evaluationsPerSecond,
      Double alertsPerSecond) {}
}
