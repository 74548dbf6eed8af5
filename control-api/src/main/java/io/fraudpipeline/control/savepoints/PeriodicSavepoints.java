package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a savepoint of the running fraud job every {@code fraud.savepoints.periodic-interval}. When
 * the next one is due is read from the history (the newest periodic savepoint), so a restarted
 * control plane or a new leader keeps the pace; a failed attempt waits a whole interval too.
 */
final class PeriodicSavepoints {

  static final String PERIODIC_METRIC = "fraud.savepoints.periodic";
  private static final Logger log = LoggerFactory.getLogger(PeriodicSavepoints.class);

  private final FlinkService flink;
  private final RunningJob runningJob;
  private final UnaryOperator<SavepointRecord> recorder;
  private final EventRecorder events;
  private final SavepointProperties properties;
  private final MeterRegistry registry;
  private final Clock clock;
  private Instant lastAttempt;

  /**
   * @param recorder writes a savepoint taken to the history, with its offsets
   */
  PeriodicSavepoints(
      FlinkService flink,
      RunningJob runningJob,
      UnaryOperator<SavepointRecord> recorder,
      EventRecorder events,
      SavepointProperties properties,
      MeterRegistry registry,
      Clock clock) {
    this.flink = flink;
    this.runningJob = runningJob;
    this.recorder = recorder;
    this.events = events;
    this.properties = properties;
    this.registry = registry;
    this.clock = clock;
    for (String outcome : new String[] {"completed", "failed"}) {
      registry.counter(PERIODIC_METRIC, "outcome", outcome);
    }
  }

  /**
   * Takes one if periodic savepoints are on, one is due and the expected job runs.
   *
   * @param history the history, newest first
   * @return the savepoint taken, if one was
   */
  Optional<SavepointRecord> takeIfDue(List<SavepointRecord> history) throws InterruptedException {
    if (!properties.periodic()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant last =
        history.stream()
            .filter(r -> r.kind() == SavepointRecord.Kind.PERIODIC)
            .map(SavepointRecord::createdAt)
            .findFirst()
            .orElse(null);
    if (lastAttempt != null && (last == null || lastAttempt.isAfter(last))) {
      last = lastAttempt;
    }
    if (last != null && now.isBefore(last.plus(properties.periodicInterval()))) {
      return Optional.empty();
    }
    Optional<RunningJob.RunningJobInfo> job = runningJob.current();
    if (job.isEmpty()) {
      return Optional.empty();
    }
    lastAttempt = now;
    RunningJob.RunningJobInfo running = job.get();
    try {
      String path = flink.triggerSavepoint(running.jobId(), properties.periodicTimeout());
      SavepointRecord record =
          recorder.apply(
              new SavepointRecord(
                  path,
                  running.jobId(),
                  SavepointRecord.Kind.PERIODIC,
                  clock.instant(),
                  running.parallelism(),
                  running.deliveryGuarantee(),
                  running.jarSha256(),
                  null));
      registry.counter(PERIODIC_METRIC, "outcome", "completed").increment();
      log.info("Periodic savepoint {} of job {} taken", path, running.jobId());
      return Optional.of(record);
    } catch (RuntimeException e) {
      registry.counter(PERIODIC_METRIC, "outcome", "failed").increment();
      events.warning(
          EventReason.SAVEPOINT_FAILED,
          "The periodic savepoint of job "
              + running.jobId()
              + " failed; the next one is due in "
              + properties.periodicInterval()
              + ": "
              + e.getMessage(),
          running.jobId());
      return Optional.empty();
    }
  }
}
