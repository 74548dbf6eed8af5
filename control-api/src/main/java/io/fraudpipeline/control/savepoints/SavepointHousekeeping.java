package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every {@code fraud.savepoints.housekeeping-interval}, on the replica that leads only: takes a
 * periodic savepoint when one is due, then applies the retention, disposing of what it drops. A
 * disposal that fails leaves its savepoint in the history, so the next round tries again.
 */
@Component
public class SavepointHousekeeping extends PeriodicLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SavepointHousekeeping.class);

  private final Leadership leadership;
  private final SavepointHistory history;
  private final Restorability restorability;
  private final Supplier<Set<String>> pinned;
  private final SavepointDisposer disposer;
  private final PeriodicSavepoints periodic;
  private final RetentionPolicy retention;
  private final Clock clock = Clock.systemUTC();

  SavepointHousekeeping(
      Leadership leadership,
      SavepointHistory history,
      Restorability restorability,
      SavepointCatalog catalog,
      SavepointDisposer disposer,
      FlinkService flink,
      RunningJob runningJob,
      SavepointRecorder recorder,
      EventRecorder events,
      SavepointProperties properties,
      MeterRegistry registry) {
    super(
        "savepoint-housekeeping",
        properties.housekeepingInterval(),
        properties.periodicTimeout().plus(properties.disposalTimeout()));
    this.leadership = leadership;
    this.history = history;
    this.restorability = restorability;
    this.pinned = () -> catalog.pinned().keySet();
    this.disposer = disposer;
    this.periodic =
        new PeriodicSavepoints(
            flink, runningJob, recorder::record, events, properties, registry, Clock.systemUTC());
    this.retention = new RetentionPolicy(properties.retention());
  }

  @Override
  protected void poll() {
    if (!leadership.isLeader()) {
      return;
    }
    try {
      periodic.takeIfDue(history.list());
      applyRetention();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (KafkaUnavailableException e) {
      log.warn("Savepoint housekeeping skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Savepoint housekeeping failed", e);
    }
  }

  private void applyRetention() throws InterruptedException {
    List<SavepointRecord> all = history.list();
    Function<Map<Integer, Long>, RestoreSafety> assess = restorability.assessor();
    List<RetentionPolicy.Drop> drops =
        retention.select(
            all, r -> assess.apply(r.transactionsOffsets()), pinned.get(), clock.instant());
    for (RetentionPolicy.Drop drop : drops) {
      if (!leadership.isLeader()) {
        return;
      }
      try {
        disposer.dispose(drop.savepoint(), drop.reason());
      } catch (RuntimeException e) {
        // Reported by the disposer; the savepoint stays and the next round tries again.
        log.warn("Disposing of savepoint {} failed: {}", drop.savepoint().path(), e.getMessage());
      }
    }
  }
}
