package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.flink.CheckpointTrigger;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.scheduling.DaemonThreads;
import io.fraudpipeline.flink.FlinkRequestException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * After a rule change, asks Flink for one checkpoint of the running exactly-once fraud job, {@code
 * fraud.rules.commit-checkpoint.delay} after the change was published.
 *
 * <p>Why: such a job writes its alerts in Kafka transactions that commit, and so become visible to
 * {@code read_committed} readers, only when a checkpoint completes. With the periodic checkpoints
 * alone, the first alert under new rules waited for the next one, up to a whole interval (benchmark
 * scenario 7 at a 1 s interval: p50 896 ms, p99 993 ms; with this request p50 350 ms, p99 511 ms).
 * The delay lets every subtask read the new rule set first, so the alerts it raises under them are
 * in that checkpoint. An at-least-once job writes its alerts at once: nothing to do. Best effort: a
 * failure is logged and counted, and the next periodic checkpoint commits the alerts as before.
 *
 * <p>The request's outcome is read until Flink has one (at most {@link #OUTCOME_TIMEOUT}), on the
 * same thread, so a request waits for the one before it: Flink keeps the result of each request
 * until it is read once, and a JobManager shutting down waits up to five minutes for unread ones
 * (it held the local stack's stop past its 15 s bound, LocalStackJarIT).
 */
@Component
class RuleChangeCheckpoint implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuleChangeCheckpoint.class);

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** How long a checkpoint's outcome is waited for: Flink's default checkpoint timeout. */
  static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(10);

  private static final long OUTCOME_POLL_MILLIS = 100;

  private final Supplier<Optional<FraudJob>> activeJob;
  private final FlinkService flink;
  private final RulesProperties.CommitCheckpoint settings;
  private final ScheduledExecutorService scheduler;
  private final Counter requested;
  private final Counter completed;
  private final Counter failed;

  @Autowired
  RuleChangeCheckpoint(
      FraudJobObserver observer,
      FlinkService flink,
      RulesProperties properties,
      MeterRegistry registry) {
    // The observer's latest look at Flink, not a new one: asking Flink again would only delay it.
    this(() -> observer.current().activeJob(), flink, properties.commitCheckpoint(), registry);
  }

  RuleChangeCheckpoint(
      Supplier<Optional<FraudJob>> activeJob,
      FlinkService flink,
      RulesProperties.CommitCheckpoint settings,
      MeterRegistry registry) {
    this.activeJob = activeJob;
    this.flink = flink;
    this.settings = settings;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("rule-change-checkpoint"));
    this.requested = outcome(registry, "requested");
    this.completed = outcome(registry, "completed");
    this.failed = outcome(registry, "failed");
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("fraud.rules.commit.checkpoints")
        .description(
            "Checkpoints of an exactly-once fraud job asked for after a rule change, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Rules {@code version} was published: schedules the request. The job is looked at when it is
   * due, on this class's thread: the first look at Flink may have to ask it, which must not hold up
   * the change's answer.
   */
  void afterChange(long version) {
    if (settings.enabled()) {
      scheduler.schedule(
          () -> request(version), settings.delay().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void request(long version) {
    String jobId = null;
    try {
      Optional<FraudJob> job =
          activeJob
              .get()
              .filter(j -> "RUNNING".equals(j.state()))
              .filter(j -> j.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE);
      if (job.isEmpty()) {
        return;
      }
      jobId = job.get().jobId();
      CheckpointTrigger trigger = flink.triggerCheckpoint(jobId);
      requested.increment();
      log.info(
          "Asked Flink for a checkpoint of exactly-once job {}: alerts under rules version {}"
              + " commit with it",
          jobId,
          version);
      awaitOutcome(trigger, version);
    } catch (RuntimeException e) {
      failed.increment();
      log.warn(
          "Could not ask Flink for a checkpoint of job {} after rules version {} ({}); the next"
              + " periodic checkpoint commits its alerts",
          jobId,
          version,
          e.getMessage());
    }
  }

  private void awaitOutcome(CheckpointTrigger trigger, long version) {
    long deadline = System.nanoTime() + OUTCOME_TIMEOUT.toNanos();
    RuntimeException lastProblem = null;
    while (System.nanoTime() < deadline) {
      try {
        Optional<Long> checkpoint = flink.checkpointOutcome(trigger);
        if (checkpoint.isPresent()) {
          completed.increment();
          log.debug(
              "Checkpoint {} of job {} (rules version {}) completed",
              checkpoint.get(),
              trigger.jobId(),
              version);
          return;
        }
      } catch (FlinkRequestException e) {
        failed.increment();
        log.warn(
            "The checkpoint of job {} asked for after rules version {} failed ({}); the next"
                + " periodic checkpoint commits its alerts",
            trigger.jobId(),
            version,
            e.getMessage());
        return;
      } catch (RuntimeException e) {
        lastProblem = e; // Flink not answering for a moment: asked again
      }
      try {
        Thread.sleep(OUTCOME_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // closing
      }
    }
    failed.increment();
    log.warn(
        "No outcome within {} of the checkpoint of job {} asked for after rules version {}{}",
        OUTCOME_TIMEOUT,
        trigger.jobId(),
        version,
        lastProblem == null ? "" : " (last problem: " + lastProblem.getMessage() + ")");
  }

  /**
   * Lets a request already scheduled go out and its outcome be read (it only helps), for a few
   * seconds at most.
   */
  @Override
  public void close() throws InterruptedException {
    scheduler.shutdown();
    if (!scheduler.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      scheduler.shutdownNow();
    }
  }
}
