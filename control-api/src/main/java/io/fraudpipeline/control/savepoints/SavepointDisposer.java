package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Drops a savepoint for good: Flink disposes of it (its files are deleted), then the history
 * forgets it. The record goes only once the files are gone, so a failed disposal leaves it in the
 * history to be tried again: every failure is counted, the first of a run of failures of one
 * savepoint is also an event (retention retries every round; one warning is enough).
 */
@Component
public class SavepointDisposer {

  private final FlinkService flink;
  private final SavepointHistory history;
  private final EventRecorder events;
  private final SavepointProperties properties;
  private final Counter disposed;
  private final Counter failures;

  /** Savepoints whose disposal failed and was told: retention retries them without more events. */
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  public SavepointDisposer(
      FlinkService flink,
      SavepointHistory history,
      EventRecorder events,
      SavepointProperties properties,
      MeterRegistry registry) {
    this.flink = flink;
    this.history = history;
    this.events = events;
    this.properties = properties;
    this.disposed =
        Counter.builder("fraud.savepoints.disposed")
            .description("Savepoints disposed of (files deleted) and dropped from the history")
            .register(registry);
    this.failures =
        Counter.builder("fraud.savepoints.disposal.failures")
            .description("Savepoint disposals that failed (the savepoint stays, tried again)")
            .register(registry);
  }

  /**
   * Disposes of the savepoint and removes it from the history.
   *
   * @param why why it goes, for the event
   * @throws RuntimeException what Flink or Kafka answered when it could not be done (already
   *     reported as an event and counted)
   */
  public void dispose(SavepointRecord savepoint, String why) throws InterruptedException {
    boolean hadFiles;
    try {
      hadFiles = flink.disposeSavepoint(savepoint.path(), properties.disposalTimeout());
      history.remove(savepoint.path());
    } catch (RuntimeException e) {
      failures.increment();
      if (!failing.add(savepoint.path())) {
        throw e;
      }
      events.warning(
          EventReason.SAVEPOINT_DISPOSAL_FAILED,
          "Savepoint "
              + savepoint.id()
              + " ("
              + savepoint.path()
              + ") could not be disposed of; it stays in the history and is tried again: "
              + e.getMessage(),
          savepoint.jobId());
      throw e;
    }
    failing.remove(savepoint.path());
    disposed.increment();
    events.normal(
        EventReason.SAVEPOINT_DISPOSED,
        "Savepoint "
            + savepoint.id()
            + " ("
            + savepoint.path()
            + ") "
            + (hadFiles ? "disposed of and dropped" : "was already gone from storage; dropped")
            + " from the history: "
            + why,
        savepoint.jobId());
  }
}
