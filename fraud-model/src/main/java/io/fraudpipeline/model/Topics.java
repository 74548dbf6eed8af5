package io.fraudpipeline.model;

/**
 * Default names of the pipeline's Kafka topics. Every component takes the actual names from its
 * configuration; these are the defaults they fall back to, kept in one place.
 */
public final class Topics {

  /** Incoming transactions, keyed by account id. */
  public static final String TRANSACTIONS = "transactions";

  /** Alerts the fraud job emits, keyed by account id. Read with {@code read_committed}. */
  public static final String FRAUD_ALERTS = "fraud-alerts";

  /**
   * Alerts of named rules in {@code shadow} state, keyed by account id: what a rule would raise,
   * kept apart from {@link #FRAUD_ALERTS} so nobody acts on them. Read with {@code read_committed}.
   */
  public static final String FRAUD_ALERTS_SHADOW = "fraud-alerts-shadow";

  /** Every transaction record the job could not parse or validate, unchanged, with headers. */
  public static final String TRANSACTIONS_DLQ = "transactions-dlq";

  /** The versioned rule set; compacted, one key ({@link #RULES_KEY}). */
  public static final String FRAUD_RULES = "fraud-rules";

  /** The single key under which the current rule set lives in {@link #FRAUD_RULES}. */
  public static final String RULES_KEY = "rules";

  private Topics() {}
}
