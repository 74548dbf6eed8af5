package io.fraudpipeline.producer.generate;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.VelocityRule;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything that decides what a {@link TransactionGenerator} produces: the same settings give the
 * same records, byte for byte.
 *
 * @param seed seed of the pseudo-random sequence
 * @param startTime event time of the first record; null for the moment generation starts, which
 *     whoever starts it fills in with {@link #startingAt} before building a generator
 * @param eventsPerSecond event time advances by {@code 1 / eventsPerSecond} per record (in whole
 *     milliseconds, so several records may share a millisecond)
 * @param accounts size of the account pool
 * @param merchants size of the merchant pool
 * @param fraudRatio share of records that are injected fraud, 0 to 1
 * @param velocityShare share of the injected fraud records that belong to velocity bursts (the rest
 *     are high amounts), 0 to 1
 * @param malformedRatio share of records that are malformed, 0 to 1
 * @param amountThreshold legit amounts stay at or below it, high-amount fraud goes above it
 * @param velocityMaxTransactions the velocity limit: legit traffic never puts more than this many
 *     transactions of one account within {@code velocityWindow}; a burst always does
 * @param velocityWindow the window of the velocity limit
 * @param burstSize transactions in one velocity burst; more than {@code velocityMaxTransactions}
 * @param patternShare share of the bursts made as merchant sprees or split payments (half each)
 *     instead of plain velocity bursts, 0 to 1; 0 (the default) draws no extra random numbers, so
 *     the records of existing seeds stay byte for byte the same
 */
public record GeneratorSettings(
    long seed,
    Instant startTime,
    long eventsPerSecond,
    int accounts,
    int merchants,
    double fraudRatio,
    double velocityShare,
    double malformedRatio,
    BigDecimal amountThreshold,
    int velocityMaxTransactions,
    Duration velocityWindow,
    int burstSize,
    double patternShare) {

  public static final int DEFAULT_ACCOUNTS = 100_000;
  public static final int MAX_ACCOUNTS = 2_000_000;
  public static final int DEFAULT_MERCHANTS = 2_000;
  public static final int MAX_MERCHANTS = 100_000;
  public static final double DEFAULT_FRAUD_RATIO = 0.01;
  public static final double DEFAULT_VELOCITY_SHARE = 0.5;
  public static final double DEFAULT_MALFORMED_RATIO = 0.0;
  public static final BigDecimal DEFAULT_AMOUNT_THRESHOLD = RuleSet.DEFAULT_AMOUNT_THRESHOLD;
  public static final int DEFAULT_VELOCITY_MAX_TRANSACTIONS = VelocityRule.DEFAULT_MAX_TRANSACTIONS;
  public static final Duration DEFAULT_VELOCITY_WINDOW =
      Duration.ofSeconds(VelocityRule.DEFAULT_WINDOW_SECONDS);
  public static final int DEFAULT_BURST_SIZE = DEFAULT_VELOCITY_MAX_TRANSACTIONS + 5;
  public static final double DEFAULT_PATTERN_SHARE = 0.0;

  /**
   * Legit traffic may keep at most this share of the accounts busy (inside their spacing), so that
   * a random draw finds a free account quickly.
   */
  static final double MAX_ACCOUNT_UTILISATION = 0.5;

  /** High amounts reach up to ten times the threshold; that must stay a valid amount. */
  static final BigDecimal MAX_AMOUNT_THRESHOLD = FraudJson.MAX_AMOUNT.movePointLeft(2);

  public GeneratorSettings {
    require(amountThreshold != null, "amount threshold is required");
    require(velocityWindow != null, "velocity window is required");
    require(
        eventsPerSecond >= 1, "event rate must be at least 1 per second, got " + eventsPerSecond);
    require(
        accounts >= 1 && accounts <= MAX_ACCOUNTS,
        "accounts must be between 1 and " + MAX_ACCOUNTS + ", got " + accounts);
    require(
        merchants >= 1 && merchants <= MAX_MERCHANTS,
        "merchants must be between 1 and " + MAX_MERCHANTS + ", got " + merchants);
    requireRatio("fraud ratio", fraudRatio);
    requireRatio("velocity share", velocityShare);
    requireRatio("malformed ratio", malformedRatio);
    requireRatio("pattern share", patternShare);
    require(
        fraudRatio + malformedRatio <= 1.0,
        "fraud ratio plus malformed ratio must not exceed 1, got "
            + fraudRatio
            + " + "
            + malformedRatio);
    require(
        amountThreshold.compareTo(BigDecimal.ONE) >= 0
            && amountThreshold.compareTo(MAX_AMOUNT_THRESHOLD) <= 0,
        "amount threshold must be between 1 and "
            + MAX_AMOUNT_THRESHOLD.toPlainString()
            + ", got "
            + amountThreshold.toPlainString());
    require(
        velocityMaxTransactions >= 1
            && velocityMaxTransactions <= VelocityRule.MAX_TRANSACTIONS_LIMIT,
        "velocity max transactions must be between 1 and "
            + VelocityRule.MAX_TRANSACTIONS_LIMIT
            + ", got "
            + velocityMaxTransactions);
    require(
        velocityWindow.toMillis() >= 1
            && velocityWindow.compareTo(Duration.ofSeconds(VelocityRule.MAX_WINDOW_SECONDS)) <= 0,
        "velocity window must be between 1 ms and "
            + VelocityRule.MAX_WINDOW_SECONDS
            + " s, got "
            + velocityWindow);
    require(
        burstSize > velocityMaxTransactions && burstSize <= 10 * velocityMaxTransactions + 100,
        "burst size must be more than the velocity max transactions ("
            + velocityMaxTransactions
            + ") and at most "
            + (10 * velocityMaxTransactions + 100)
            + ", got "
            + burstSize);
    long burstSpanMillis = millisForEvents(burstSize - 1, eventsPerSecond);
    require(
        burstSpanMillis < velocityWindow.toMillis(),
        "a burst of "
            + burstSize
            + " transactions at "
            + eventsPerSecond
            + " events/s spans "
            + burstSpanMillis
            + " ms, not within the velocity window of "
            + velocityWindow.toMillis()
            + " ms: raise the rate or lower the burst size");
    long needed = minimumAccounts(eventsPerSecond, velocityMaxTransactions, velocityWindow);
    require(
        accounts >= needed,
        "at "
            + eventsPerSecond
            + " events/s, legit traffic needs at least "
            + needed
            + " accounts so that no account makes more than "
            + velocityMaxTransactions
            + " transactions within "
            + velocityWindow.toMillis()
            + " ms; got "
            + accounts
            + " (raise the accounts or lower the rate)");
  }

  /** A builder that starts from the defaults (seed 1, 2025-01-01T00:00:00Z, 1000 events/s). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .seed(seed)
        .startTime(startTime)
        .eventsPerSecond(eventsPerSecond)
        .accounts(accounts)
        .merchants(merchants)
        .fraudRatio(fraudRatio)
        .velocityShare(velocityShare)
        .malformedRatio(malformedRatio)
        .amountThreshold(amountThreshold)
        .velocityMaxTransactions(velocityMaxTransactions)
        .velocityWindow(velocityWindow)
        .burstSize(burstSize)
        .patternShare(patternShare);
  }

  /** These settings, with {@code now} as the start time unless one is set. */
  public GeneratorSettings startingAt(Instant now) {
    return startTime != null ? this : toBuilder().startTime(now).build();
  }

  /**
   * The fewest accounts with which legit traffic at this rate stays within the velocity limit and a
   * random draw still finds a free account quickly.
   */
  public static long minimumAccounts(
      long eventsPerSecond, int velocityMaxTransactions, Duration velocityWindow) {
    double busyAccounts =
        eventsPerSecond * (spacingMillis(velocityMaxTransactions, velocityWindow) / 1000.0);
    return Math.max(1, (long) Math.ceil(busyAccounts / MAX_ACCOUNT_UTILISATION));
  }

  /**
   * The least time between two non-burst transactions of one account. Strictly more than {@code
   * window / max}, so any window of that length holds at most {@code max} of them.
   */
  static long spacingMillis(int velocityMaxTransactions, Duration velocityWindow) {
    return velocityWindow.toMillis() / velocityMaxTransactions + 1;
  }

  /** Event-time offset, in ms, of the record {@code index} records after the first. */
  static long millisForEvents(long index, long eventsPerSecond) {
    // Split so that index * 1000 cannot overflow, whatever the rate.
    return (index / eventsPerSecond) * 1000 + (index % eventsPerSecond) * 1000 / eventsPerSecond;
  }

  private static void requireRatio(String name, double value) {
    require(value >= 0.0 && value <= 1.0, name + " must be between 0 and 1, got " + value);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Builds {@link GeneratorSettings}; every setting starts at its documented default. */
  public static final class Builder {
    private long seed = 1;
    private Instant startTime = Instant.parse("2025-01-01T00:00:00Z");
    private long eventsPerSecond = 1000;
    private int accounts = DEFAULT_ACCOUNTS;
    private int merchants = DEFAULT_MERCHANTS;
    private double fraudRatio = DEFAULT_FRAUD_RATIO;
    private double velocityShare = DEFAULT_VELOCITY_SHARE;
    private double malformedRatio = DEFAULT_MALFORMED_RATIO;
    private BigDecimal amountThreshold = DEFAULT_AMOUNT_THRESHOLD;
    private int velocityMaxTransactions = DEFAULT_VELOCITY_MAX_TRANSACTIONS;
    private Duration velocityWindow = DEFAULT_VELOCITY_WINDOW;
    private int burstSize = DEFAULT_BURST_SIZE;
    private double patternShare = DEFAULT_PATTERN_SHARE;

    private Builder() {}

    public Builder patternShare(double value) {
      this.patternShare = value;
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public Builder startTime(Instant value) {
      this.startTime = value;
      return this;
    }

    public Builder eventsPerSecond(long value) {
      this.eventsPerSecond = value;
      return this;
    }

    public Builder accounts(int value) {
      this.accounts = value;
      return this;
    }

    public Builder merchants(int value) {
      this.merchants = value;
      return this;
    }

    public Builder fraudRatio(double value) {
      this.fraudRatio = value;
      return this;
    }

    public Builder velocityShare(double value) {
      this.velocityShare = value;
      return this;
    }

    public Builder malformedRatio(double value) {
      this.malformedRatio = value;
      return this;
    }

    public Builder amountThreshold(BigDecimal value) {
      this.amountThreshold = value;
      return this;
    }

    public Builder velocityMaxTransactions(int value) {
      this.velocityMaxTransactions = value;
      return this;
    }

    public Builder velocityWindow(Duration value) {
      this.velocityWindow = value;
      return this;
    }

    public Builder burstSize(int value) {
      this.burstSize = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException with a sentence naming the first invalid setting
     */
    public GeneratorSettings build() {
      return new GeneratorSettings(
          seed,
          startTime,
          eventsPerSecond,
          accounts,
          merchants,
          fraudRatio,
          velocityShare,
          malformedRatio,
          amountThreshold,
          velocityMaxTransactions,
          velocityWindow,
          burstSize,
          patternShare);
    }
  }
}
