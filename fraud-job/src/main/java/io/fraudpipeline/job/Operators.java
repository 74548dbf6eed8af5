package io.fraudpipeline.job;

/**
 * The uid and name of every operator (the same string, but for {@link #AGGREGATE_RULES_UID}). A uid
 * must never change while its state can be restored: savepoints map state to operators by it. Names
 * are what Flink's web UI, REST API and metrics show; the control plane relies on them (see {@link
 * JobMetrics}).
 */
public final class Operators {

  /** KafkaSource on the transactions topic; parses each record with the wire contract. */
  public static final String TRANSACTIONS_SOURCE = "transactions-source";

  /** KafkaSource on the compacted rules topic, read from the earliest offset, parallelism 1. */
  public static final String RULES_SOURCE = "rules-source";

  /** Splits valid transactions from rejected records (to the dead-letter side output). */
  public static final String VALIDATE = "validate-transactions";

  /**
   * Evaluates the amount and named threshold rules against the rule set it follows itself; forwards
   * velocity and aggregate candidates.
   */
  public static final String EVALUATE_RULES = "evaluate-rules";

  /** Keyed by account: the velocity rule in event time. */
  public static final String VELOCITY_RULE = "velocity-rule";

  /** Keyed by card, merchant or group: the aggregate named rules in event time. */
  public static final String AGGREGATE_RULES = "aggregate-rules";

  /**
   * The uid of {@link #AGGREGATE_RULES}. Its state changed shape (one value per key, keys in the
   * job's own serializer), which the earlier layout's savepoints cannot restore into; a new uid
   * leaves their state unclaimed instead, so a job resumed from one with {@code
   * allow_non_restored_state} runs with its aggregate windows empty (they fill again within the
   * widest window) and every other operator's state restored.
   */
  public static final String AGGREGATE_RULES_UID = "aggregate-rules-v2";

  /** KafkaSink of aggregate named rules' alerts (active ones to the alerts topic, shadow apart). */
  public static final String AGGREGATE_ALERTS_SINK = "aggregate-alerts-sink";

  /** KafkaSink of amount and category alerts. */
  public static final String ALERTS_SINK = "alerts-sink";

  /** KafkaSink of velocity alerts (same topic; its own sink so the main path stays chained). */
  public static final String VELOCITY_ALERTS_SINK = "velocity-alerts-sink";

  /** KafkaSink of rejected records to the dead-letter topic. */
  public static final String DLQ_SINK = "dlq-sink";

  private Operators() {}
}
