package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleKind;
import io.fraudpipeline.model.RuleSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.rest.messages.job.metrics.AggregatedMetric;
import org.springframework.stereotype.Component;

/**
 * What the running fraud job reports for each named rule of a rule set: the transactions the rule
 * judged and the alerts it raised since the job last started (restarts and restores start the
 * counts afresh), and both per second (the job's meters, over the last minute). Asked of Flink's
 * REST API on each request: the job's vertices, then one request per rules operator (two more for
 * one with a rule that has no metrics yet, see {@link FlinkRestClient#aggregatedSubtaskMetrics}).
 * Flink's own copy of the metrics is refreshed every {@code metrics.fetcher.update-interval} (10 s
 * by default).
 */
@Component
class RuleStatistics {

  // The fraud job's names (fraud-job: Operators, JobMetrics, RuleMetrics); a real-Flink test
  // (BacktestApiTest) proves they match. Threshold rules are judged on the main path, aggregate
  // rules behind the keyed hop.
  static final String THRESHOLD_OPERATOR = "evaluate-rules";
  static final String AGGREGATE_OPERATOR = "aggregate-rules";
  private static final String EVALUATIONS = "evaluations";
  private static final String ALERTS = "alerts";
  private static final String EVALUATIONS_PER_SECOND = "evaluationsPerSecond";
  private static final String ALERTS_PER_SECOND = "alertsPerSecond";

  private final FraudJobObserver observer;
  private final FlinkRestClient flink;
  private final Clock clock;

  RuleStatistics(FraudJobObserver observer, FlinkRestClient flink) {
    this.observer = observer;
    this.flink = flink;
    this.clock = Clock.systemUTC();
  }

  /**
   * Each named rule of {@code rules} with what the job reports for it; no figures without an active
   * job, for a rule the job has not judged a transaction with yet, or for a paused rule.
   *
   * @throws io.fraudpipeline.flink.FlinkUnavailableException when Flink does not answer
   */
  RuleStatisticsView of(RuleSet rules) {
    List<NamedRule> named = rules.rules() == null ? List.of() : rules.rules();
    Optional<FraudJob> job = observer.current().requireReachable().activeJob();
    Map<String, AggregatedMetric> metrics =
        job.isEmpty() || named.isEmpty() ? Map.of() : metricsOf(job.get().jobId(), named);
    List<RuleStatisticsView.Rule> views = new ArrayList<>(named.size());
    for (NamedRule rule : named) {
      // Nothing is asked for a paused rule, so it has no figures: Flink keeps a metric once
      // registered, and the counts of a rule paused since would stand still, as if it still ran.
      String prefix = operatorOf(rule) + ".rule." + rule.id() + ".";
      views.add(
          new RuleStatisticsView.Rule(
              rule.id(),
              rule.name(),
              rule.stateValue().wireName(),
              rule.kind(),
              count(metrics.get(prefix + EVALUATIONS)),
              count(metrics.get(prefix + ALERTS)),
              rate(metrics.get(prefix + EVALUATIONS_PER_SECOND)),
              rate(metrics.get(prefix + ALERTS_PER_SECOND))));
    }
    return new RuleStatisticsView(
        job.map(FraudJob::jobId).orElse(null), rules.version(), clock.instant(), views);
  }

  /** The rules' metrics, by their id in Flink's REST API ({@code <operator>.rule.<id>.<name>}). */
  private Map<String, AggregatedMetric> metricsOf(String jobId, List<NamedRule> rules) {
    JobID id = JobID.fromHexString(jobId);
    Map<String, List<String>> wanted = new HashMap<>();
    for (NamedRule rule : rules) {
      if (!rule.evaluated()) {
        continue;
      }
      List<String> metrics = wanted.computeIfAbsent(operatorOf(rule), o -> new ArrayList<>());
      for (String metric :
          List.of(EVALUATIONS, ALERTS, EVALUATIONS_PER_SECOND, ALERTS_PER_SECOND)) {
        metrics.add("rule." + rule.id() + "." + metric);
      }
    }
    if (wanted.isEmpty()) {
      return Map.of();
    }
    return flink.operatorMetrics(id, flink.jobDetails(id).getJobVertexInfos(), wanted);
  }

  private static String operatorOf(NamedRule rule) {
    return rule.kindValue() == RuleKind.AGGREGATE ? AGGREGATE_OPERATOR : THRESHOLD_OPERATOR;
  }

  private static Long count(AggregatedMetric metric) {
    return metric == null || metric.getSum() == null ? null : Math.round(metric.getSum());
  }

  private static Double rate(AggregatedMetric metric) {
    return metric == null ? null : metric.getSum();
  }
}
