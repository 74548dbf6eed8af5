package io.fraudpipeline.producer.send;

import io.fraudpipeline.model.Topics;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What one producer run sends, how fast and for how long. Build with {@link #builder()}; every
 * setting has a default except {@code bootstrapServers}. The constructor validates everything and
 * throws {@link IllegalArgumentException} with one sentence naming the first problem.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param topic the topic to write to
 * @param ratePerSecond target records per second; 0 sends as fast as possible
 * @param count stop after this many records; null for no count bound
 * @param duration stop after this long; null for no time bound (with neither bound, the run goes on
 *     until {@link ProducerRun#stop()})
 * @param seed seed of the generator: the same seed and settings give the same records
 * @param startTime event time of the first record; null for the moment the run starts
 * @param accounts size of the account pool
 * @param merchants size of the merchant pool
 * @param fraudRatio share of injected fraud records, 0 to 1
 * @param velocityShare share of the fraud records that are velocity bursts, 0 to 1
 * @param malformedRatio share of malformed records, 0 to 1
 * @param amountThreshold legit amounts stay below it, high-amount fraud goes above
 * @param velocityMaxTransactions legit traffic never exceeds this many transactions per account
 *     within {@code velocityWindow}; bursts do
 * @param velocityWindow window of the velocity limit
 * @param burstSize transactions per velocity burst
 * @param maxInFlight most records sent but not yet acknowledged at any moment
 */
public record RunSettings(
    String bootstrapServers,
    String topic,
    long ratePerSecond,
    Long count,
    Duration duration,
    long seed,
    Instant startTime,
    int accounts,
    int merchants,
    double fraudRatio,
    double velocityShare,
    double malformedRatio,
    BigDecimal amountThreshold,
    int velocityMaxTransactions,
    Duration velocityWindow,
    int burstSize,
    int maxInFlight) {

  public static final long DEFAULT_RATE_PER_SECOND = 1000;
  public static final long MAX_RATE_PER_SECOND = 10_000_000;
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
  public static final int MAX_IN_FLIGHT_LIMIT = 1_000_000;

  /**
   * How fast event time advances when the run is not paced ({@code ratePerSecond} 0): one
   * millisecond per record.
   */
  public static final long UNPACED_EVENTS_PER_SECOND = 1000;

  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  public RunSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required, e.g. localhost:9092");
    }
    require(topic != null, "topic is required");
    require(
        TOPIC_NAME.matcher(topic).matches() && !topic.equals(".") && !topic.equals(".."),
        "topic '"
            + topic
            + "' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
    require(
        ratePerSecond >= 0 && ratePerSecond <= MAX_RATE_PER_SECOND,
        "rate must be between 1 and "
            + MAX_RATE_PER_SECOND
            + " records/s, or 0 for as fast as possible; got "
            + ratePerSecond);
    require(count == null || count >= 1, "count must be at least 1, got " + count);
    require(
        duration == null || (!duration.isNegative() && !duration.isZero()),
        "duration must be positive, got " + duration);
    require(
        maxInFlight >= 1 && maxInFlight <= MAX_IN_FLIGHT_LIMIT,
        "max in flight must be between 1 and " + MAX_IN_FLIGHT_LIMIT + ", got " + maxInFlight);
    // The generator checks the rest (ratios, pools, velocity shape) with its own messages. The
    // record's fields are not assigned yet here, so pass the parameters.
    GeneratorSettings.builder()
        .seed(seed)
        .startTime(startTime == null ? Instant.EPOCH : startTime)
        .eventsPerSecond(ratePerSecond > 0 ? ratePerSecond : UNPACED_EVENTS_PER_SECOND)
        .accounts(accounts)
        .merchants(merchants)
        .fraudRatio(fraudRatio)
        .velocityShare(velocityShare)
        .malformedRatio(malformedRatio)
        .amountThreshold(amountThreshold)
        .velocityMaxTransactions(velocityMaxTransactions)
        .velocityWindow(velocityWindow)
        .burstSize(burstSize)
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Event time advances at the target rate, or at {@link #UNPACED_EVENTS_PER_SECOND}. */
  public long eventsPerSecond() {
    return ratePerSecond > 0 ? ratePerSecond : UNPACED_EVENTS_PER_SECOND;
  }

  /** Whether the run is paced; otherwise it sends as fast as Kafka takes records. */
  public boolean paced() {
    return ratePerSecond > 0;
  }

  /** The generator settings of this run, with the start time resolved. */
  public GeneratorSettings generatorSettings(Instant resolvedStartTime) {
    return GeneratorSettings.builder()
        .seed(seed)
        .startTime(resolvedStartTime)
        .eventsPerSecond(eventsPerSecond())
        .accounts(accounts)
        .merchants(merchants)
        .fraudRatio(fraudRatio)
        .velocityShare(velocityShare)
        .malformedRatio(malformedRatio)
        .amountThreshold(amountThreshold)
        .velocityMaxTransactions(velocityMaxTransactions)
        .velocityWindow(velocityWindow)
        .burstSize(burstSize)
        .build();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Builds {@link RunSettings}; every setting but the bootstrap servers starts at its default. */
  public static final class Builder {
    private String bootstrapServers;
    private String topic = Topics.TRANSACTIONS;
    private long ratePerSecond = DEFAULT_RATE_PER_SECOND;
    private Long count;
    private Duration duration;
    private long seed = DEFAULT_SEED;
    private Instant startTime;
    private int accounts = GeneratorSettings.DEFAULT_ACCOUNTS;
    private int merchants = GeneratorSettings.DEFAULT_MERCHANTS;
    private double fraudRatio = GeneratorSettings.DEFAULT_FRAUD_RATIO;
    private double velocityShare = GeneratorSettings.DEFAULT_VELOCITY_SHARE;
    private double malformedRatio = GeneratorSettings.DEFAULT_MALFORMED_RATIO;
    private BigDecimal amountThreshold = GeneratorSettings.DEFAULT_AMOUNT_THRESHOLD;
    private int velocityMaxTransactions = GeneratorSettings.DEFAULT_VELOCITY_MAX_TRANSACTIONS;
    private Duration velocityWindow = GeneratorSettings.DEFAULT_VELOCITY_WINDOW;
    private int burstSize = GeneratorSettings.DEFAULT_BURST_SIZE;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

    private Builder() {}

    public Builder bootstrapServers(String value) {
      this.bootstrapServers = value;
      return this;
    }

    public Builder topic(String value) {
      this.topic = value;
      return this;
    }

    /** Records per second; 0 for as fast as possible. */
    public Builder ratePerSecond(long value) {
      this.ratePerSecond = value;
      return this;
    }

    public Builder count(Long value) {
      this.count = value;
      return this;
    }

    public Builder duration(Duration value) {
      this.duration = value;
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

    public Builder maxInFlight(int value) {
      this.maxInFlight = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException with a sentence naming the first invalid setting
     */
    public RunSettings build() {
      return new RunSettings(
          bootstrapServers,
          topic,
          ratePerSecond,
          count,
          duration,
          seed,
          startTime,
          accounts,
          merchants,
          fraudRatio,
          velocityShare,
          malformedRatio,
          amountThreshold,
          velocityMaxTransactions,
          velocityWindow,
          burstSize,
          maxInFlight);
    }
  }
}
