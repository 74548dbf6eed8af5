package io.fraudpipeline.job;

/**
 * Names of the job's own Flink metrics, registered on the operator that owns them. Over Flink's
 * REST API an operator metric is addressed as {@code <operator name>.<metric name>} within the job
 * vertex (chain) that contains the operator, e.g.
 *
 * <pre>
 * GET /jobs/{jobId}/vertices/{vertexId}/subtasks/metrics?get=evaluate-rules.rulesVersionApplied&amp;agg=min,max
 * </pre>
 *
 * where {@code vertexId} is the vertex of {@code GET /jobs/{jobId}} whose name contains {@link
 * Operators#EVALUATE_RULES}. The minimum over subtasks is the version every subtask applies.
 */
public final class JobMetrics {

  /** Gauge on {@link Operators#EVALUATE_RULES}: version of the rule set applied (0 = defaults). */
  public static final String RULES_VERSION_APPLIED = "rulesVersionApplied";

  /** {@link #RULES_VERSION_APPLIED} as the REST API names it within its vertex. */
  public static final String RULES_VERSION_APPLIED_REST =
      Operators.EVALUATE_RULES + "." + RULES_VERSION_APPLIED;

  /** Counter on {@link Operators#VALIDATE}: transaction records read, valid or not. */
  public static final String TRANSACTIONS_IN = "transactionsIn";

  /** Counter on {@link Operators#VALIDATE}: records sent to the dead-letter topic. */
  public static final String DLQ_RECORDS = "dlqRecords";

  /** Counter on {@link Operators#EVALUATE_RULES} and {@link Operators#VELOCITY_RULE}. */
  public static final String ALERTS_OUT = "alertsOut";

  /** Counter on both rule operators: rule sets read from the topic and ignored as invalid. */
  public static final String INVALID_RULE_SETS = "invalidRuleSets";

  /**
   * Counter on {@link Operators#VELOCITY_RULE} and {@link Operators#AGGREGATE_RULES}: transactions
   * that arrived behind the watermark.
   */
  public static final String LATE_TRANSACTIONS = "lateTransactions";

  /**
   * Metric group (key {@code rule}, value the rule id) of a named rule's metrics, on {@link
   * Operators#EVALUATE_RULES} (threshold rules) and {@link Operators#AGGREGATE_RULES} (aggregate
   * rules): e.g. {@code evaluate-rules.rule.big-gambling.alertsPerSecond}.
   */
  public static final String RULE_GROUP = "rule";

  /** Counter per named rule: transactions it judged (those its filter let through). */
  public static final String RULE_EVALUATIONS = "evaluations";

  /** Counter per named rule: alerts it raised (active and shadow). */
  public static final String RULE_ALERTS = "alerts";

  /** Meter per named rule: {@link #RULE_EVALUATIONS} per second (over the last minute). */
  public static final String RULE_EVALUATIONS_PER_SECOND = "evaluationsPerSecond";

  /** Meter per named rule: {@link #RULE_ALERTS} per second (over the last minute). */
  public static final String RULE_ALERTS_PER_SECOND = "alertsPerSecond";

  private JobMetrics() {}
}
