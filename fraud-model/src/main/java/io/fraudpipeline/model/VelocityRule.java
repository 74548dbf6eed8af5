package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * More than {@code maxTransactions} transactions of one account within {@code windowSeconds} of
 * event time raise a {@link RuleId#VELOCITY} alert. Off by default.
 */
public record VelocityRule(boolean enabled, int maxTransactions, long windowSeconds) {

  /** Defaults used for a parameter left out: more than 10 within 60 seconds. */
  public static final int DEFAULT_MAX_TRANSACTIONS = 10;

  public static final long DEFAULT_WINDOW_SECONDS = 60;

  /** Off; when switched on without parameters, the defaults above apply. */
  public static final VelocityRule DISABLED =
      new VelocityRule(false, DEFAULT_MAX_TRANSACTIONS, DEFAULT_WINDOW_SECONDS);

  /** Largest window the job will keep per-account state for: one day. */
  public static final long MAX_WINDOW_SECONDS = 86_400;

  /** Most transactions a window may be asked to allow. */
  public static final int MAX_TRANSACTIONS_LIMIT = 100_000;

  /** Reads a velocity rule, filling in the defaults for what the JSON leaves out. */
  @JsonCreator
  static VelocityRule fromJson(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("max_transactions") Integer maxTransactions,
      @JsonProperty("window_seconds") Long windowSeconds) {
    return new VelocityRule(
        enabled != null && enabled,
        maxTransactions == null ? DEFAULT_MAX_TRANSACTIONS : maxTransactions,
        windowSeconds == null ? DEFAULT_WINDOW_SECONDS : windowSeconds);
  }
}
