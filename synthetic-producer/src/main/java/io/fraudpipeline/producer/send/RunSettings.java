package io.fraudpipeline.producer.send;

import io.fraudpipeline.model.Topics;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import java.time.Duration;
import java.util.function.Consumer;
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
 * @param maxInFlight most records sent but not yet acknowledged at any moment
 * @param generator what is sent (seed, pools, fraud and malformed shares, velocity shape); its
 *     event time advances at {@link #eventsPerSecond()}, and a null start time means the moment the
 *     run starts
 */
public record RunSettings(
    String bootstrapServers,
    String topic,
    long ratePerSecond,
    Long count,
    Duration duration,
    int maxInFlight,
    GeneratorSettings generator) {

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
    requireValidRun(bootstrapServers, topic, ratePerSecond, count, duration, maxInFlight);
    require(generator != null, "generator settings are required");
    // Event time follows the send rate; rebuilding checks the generator's limits (accounts,
    // bursts) at that rate, with its own messages.
    long eventsPerSecond = ratePerSecond > 0 ? ratePerSecond : UNPACED_EVENTS_PER_SECOND;
    if (generator.eventsPerSecond() != eventsPerSecond) {
      generator = generator.toBuilder().eventsPerSecond(eventsPerSecond).build();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Event time advances at the target rate, or at {@link #UNPACED_EVENTS_PER_SECOND}. */
  public long eventsPerSecond() {
    return generator.eventsPerSecond();
  }

  /** Whether the run is paced; otherwise it sends as fast as Kafka takes records. */
  public boolean paced() {
    return ratePerSecond > 0;
  }

  private static void requireValidRun(
      String bootstrapServers,
      String topic,
      long ratePerSecond,
      Long count,
      Duration duration,
      int maxInFlight) {
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
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Builds {@link RunSettings}; every setting but the bootstrap servers starts at its default, the
   * generator's at {@link GeneratorSettings}' defaults except the seed ({@link #DEFAULT_SEED}) and
   * the start time (the moment the run starts).
   */
  public static final class Builder {
    private String bootstrapServers;
    private String topic = Topics.TRANSACTIONS;
    private long ratePerSecond = DEFAULT_RATE_PER_SECOND;
    private Long count;
    private Duration duration;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private final GeneratorSettings.Builder generator =
        GeneratorSettings.builder().seed(DEFAULT_SEED).startTime(null);

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

    public Builder maxInFlight(int value) {
      this.maxInFlight = value;
      return this;
    }

    /**
     * Adjusts what the run generates, e.g. {@code generator(g -> g.seed(7).fraudRatio(0.05))}. The
     * event rate is not taken from here: it follows {@link #ratePerSecond}.
     */
    public Builder generator(Consumer<GeneratorSettings.Builder> adjust) {
      adjust.accept(generator);
      return this;
    }

    /**
     * @throws IllegalArgumentException with a sentence naming the first invalid setting
     */
    public RunSettings build() {
      // The run's own settings first: a bad rate is reported as such, not as a generator limit at
      // that rate.
      requireValidRun(bootstrapServers, topic, ratePerSecond, count, duration, maxInFlight);
      GeneratorSettings atRate =
          generator
              .eventsPerSecond(ratePerSecond > 0 ? ratePerSecond : UNPACED_EVENTS_PER_SECOND)
              .build();
      return new RunSettings(
          bootstrapServers, topic, ratePerSecond, count, duration, maxInFlight, atRate);
    }
  }
}
