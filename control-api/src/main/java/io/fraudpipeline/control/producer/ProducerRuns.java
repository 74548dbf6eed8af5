package io.fraudpipeline.control.producer;

import io.fraudpipeline.control.errors.ConcurrencyLimitException;
import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.errors.NotFoundException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.topics.OffsetsPoller;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunProgress;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * The producer runs started through the API, with the synthetic-producer library: bounded in rate
 * and in concurrent runs, each stopped cleanly (records in flight flushed) on request and when the
 * service shuts down. Finished runs stay listed until {@code retained-runs} newer ones push them
 * out; their counts stay in the totals.
 */
@Component
public class ProducerRuns implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ProducerRuns.class);

  /**
   * The longest run by duration: far beyond any test or demo, and well within what the send loop
   * counts in nanoseconds (about 292 years); a run meant to go on has no duration.
   */
  static final Duration MAX_DURATION = Duration.ofDays(365);

  /** Counts of runs no longer listed, so the counters never go backwards. */
  private record Totals(long sent, long acknowledged, long failed) {}

  private final ProducerProperties properties;
  private final String topic;
  private final Map<String, Object> kafkaProperties;
  private final String bootstrapServers;
  private final OffsetsPoller offsets;
  private final Clock clock = Clock.systemUTC();
  private final LinkedHashMap<String, ManagedRun> runs = new LinkedHashMap<>();
  private Totals retired = new Totals(0, 0, 0);
  private volatile boolean running;

  public ProducerRuns(
      ProducerProperties properties,
      TopicsProperties topics,
      ProducerFactory<?, ?> producerFactory,
      OffsetsPoller offsets) {
    this.properties = properties;
    this.topic = topics.transactions();
    // Boot's producer settings (spring.kafka.*: servers, security) carry over to every run.
    Map<String, Object> config = new HashMap<>(producerFactory.getConfigurationProperties());
    this.bootstrapServers = servers(config.remove(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    config.remove(ProducerConfig.CLIENT_ID_CONFIG);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    this.kafkaProperties = Map.copyOf(config);
    this.offsets = offsets;
  }

  private static String servers(Object value) {
    if (value instanceof Collection<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return value == null ? "" : value.toString();
  }

  /** Starts a run; 400 for invalid settings, 429 beyond the concurrent runs, 503 without Kafka. */
  public synchronized ManagedRun start(ProducerRunRequest request) {
    if (!running) {
      throw new StateConflictException("The service is shutting down");
    }
    long rate =
        request.ratePerSecond() == null ? properties.defaultRate() : request.ratePerSecond();
    // Every check of the request itself before the limits: an invalid run is 400 however many run.
    List<FieldError> invalid = new ArrayList<>();
    if (rate > properties.maxRate()) {
      String message = "must be at most " + properties.maxRate() + " (fraud.producer.max-rate)";
      invalid.add(new FieldError("rate_per_second", message));
    }
    invalidDuration(request.duration()).ifPresent(m -> invalid.add(new FieldError("duration", m)));
    if (!invalid.isEmpty()) {
      throw new InvalidInputException(invalid);
    }
    RunSettings settings;
    try {
      settings = settings(request, rate);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Invalid producer run: " + e.getMessage());
    }
    long active = runs.values().stream().filter(r -> !r.isFinished()).count();
    if (active >= properties.maxConcurrentRuns()) {
      throw new ConcurrencyLimitException(
          active
              + " producer runs are already running (fraud.producer.max-concurrent-runs = "
              + properties.maxConcurrentRuns()
              + "); stop one or wait for it to end",
          Map.of("max_concurrent_runs", properties.maxConcurrentRuns()));
    }
    offsets.current().requireKafkaReachable();
    ProducerRun run = SyntheticProducer.start(settings, kafkaProperties);
    ManagedRun managed = new ManagedRun(UUID.randomUUID().toString(), clock.instant(), run);
    runs.put(managed.id(), managed);
    log.info(
        "Producer run {} started: {} records/s to {}, count {}, duration {}, seed {}",
        managed.id(),
        rate,
        topic,
        settings.count(),
        settings.duration(),
        settings.generator().seed());
    run.completion()
        .thenAccept(
            p ->
                log.info(
                    "Producer run {} {}: {} sent, {} acknowledged, {} failed",
                    managed.id(),
                    p.state(),
                    p.sent(),
                    p.acknowledged(),
                    p.failed()));
    forgetOldRuns();
    return managed;
  }

  /** Why a run's duration is refused, if it is. */
  private static Optional<String> invalidDuration(Duration duration) {
    if (duration == null) {
      return Optional.empty();
    }
    if (duration.isNegative() || duration.isZero()) {
      return Optional.of("must be positive, e.g. PT30S");
    }
    if (duration.compareTo(MAX_DURATION) > 0) {
      return Optional.of(
          "must be at most P365D; leave it out for a run that goes on until stopped");
    }
    return Optional.empty();
  }

  private RunSettings settings(ProducerRunRequest request, long rate) {
    return RunSettings.builder()
        .bootstrapServers(bootstrapServers)
        .topic(topic)
        .ratePerSecond(rate)
        .count(request.count())
        .duration(request.duration())
        .generator(
            g -> {
              if (request.fraudRatio() != null) {
                g.fraudRatio(request.fraudRatio());
              }
              if (request.malformedRatio() != null) {
                g.malformedRatio(request.malformedRatio());
              }
              if (request.seed() != null) {
                g.seed(request.seed());
              }
              if (request.accounts() != null) {
                g.accounts(request.accounts());
              }
              if (request.patternShare() != null) {
                g.patternShare(request.patternShare());
              }
            })
        .build();
  }

  /** Runs, newest first. */
  public synchronized List<ManagedRun> list() {
    List<ManagedRun> newestFirst = new ArrayList<>(runs.values());
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  public synchronized ManagedRun get(String id) {
    ManagedRun run = runs.get(id);
    if (run == null) {
      throw new NotFoundException("No producer run " + id);
    }
    return run;
  }

  /**
   * Stops a run and waits up to the stop timeout for its records in flight to be acknowledged.
   *
   * @return whether it ended within the timeout
   */
  public boolean stop(String id) {
    ManagedRun run = get(id);
    run.run().stop();
    try {
      return run.run().awaitCompletion(properties.stopTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  long totalSent() {
    return total(retired.sent(), RunProgress::sent);
  }

  long totalAcknowledged() {
    return total(retired.acknowledged(), RunProgress::acknowledged);
  }

  long totalFailed() {
    return total(retired.failed(), RunProgress::failed);
  }

  private synchronized long total(long forgotten, ToLongFunction<RunProgress> count) {
    long sum = forgotten;
    for (ManagedRun run : runs.values()) {
      sum += count.applyAsLong(run.run().progress());
    }
    return sum;
  }

  synchronized double currentRate() {
    return runs.values().stream()
        .filter(r -> !r.isFinished())
        .mapToDouble(r -> r.run().progress().currentRate())
        .sum();
  }

  synchronized long activeRuns() {
    return runs.values().stream().filter(r -> !r.isFinished()).count();
  }

  private void forgetOldRuns() {
    long finished = runs.values().stream().filter(ManagedRun::isFinished).count();
    Iterator<ManagedRun> oldestFirst = runs.values().iterator();
    while (finished > properties.retainedRuns() && oldestFirst.hasNext()) {
      ManagedRun run = oldestFirst.next();
      if (run.isFinished()) {
        RunProgress p = run.run().progress();
        retired =
            new Totals(
                retired.sent() + p.sent(),
                retired.acknowledged() + p.acknowledged(),
                retired.failed() + p.failed());
        oldestFirst.remove();
        finished--;
      }
    }
  }

  @Override
  public synchronized void start() {
    running = true;
  }

  /** Stops every run and waits for its records in flight, before the web server stops. */
  @Override
  public void stop() {
    List<ManagedRun> active;
    synchronized (this) {
      running = false;
      active = runs.values().stream().filter(r -> !r.isFinished()).toList();
    }
    active.forEach(r -> r.run().stop());
    for (ManagedRun run : active) {
      try {
        if (!run.run().awaitCompletion(properties.stopTimeout())) {
          log.warn("Producer run {} did not flush within {}", run.id(), properties.stopTimeout());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
