package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkProperties;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.jobs.EmbeddedJobJar;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.leadership.LeadershipChange;
import io.fraudpipeline.control.savepoints.Restorability;
import io.fraudpipeline.control.savepoints.RestoreSafety;
import io.fraudpipeline.control.savepoints.SavepointHistory;
import io.fraudpipeline.control.savepoints.SavepointRecorder;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the reconciler every {@code fraud.reconciler.interval} on the replica that leads, and at
 * once when any replica changes the desired state or this one gains the leadership: reads the
 * desired state, observes, takes at most one step, and writes the status when it changed. A replica
 * that gains the leadership reads the status its predecessor left before acting.
 */
@Component
public class ReconcileLoop extends PeriodicLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final DesiredStateLog desired;
  private final PipelineStatusStore store;
  private final PipelineObserver observer;
  private final PipelineReconciler reconciler;
  private final AutoUpgrade autoUpgrade;
  private final Leadership leadership;
  private final boolean enabled;
  private final MeterRegistry meters;
  private volatile PipelineStatus status;
  private long statusEpoch = -1;

  ReconcileLoop(
      DesiredStateLog desired,
      DesiredStateChanges changes,
      PipelineStatusStore store,
      FlinkService flink,
      SavepointHistory savepoints,
      SavepointRecorder recorder,
      Restorability restorability,
      CheckpointStorage storage,
      EventRecorder events,
      Leadership leadership,
      EmbeddedJobJar jar,
      JobJars jars,
      JobProperties jobProperties,
      ReconcilerProperties properties,
      FlinkProperties flinkProperties,
      MeterRegistry meters) {
    super("reconciler", properties.interval(), properties.savepointTimeout().plusSeconds(5));
    Clock clock = Clock.systemUTC();
    this.desired = desired;
    this.store = store;
    this.leadership = leadership;
    this.enabled = properties.enabled();
    this.meters = meters;
    this.observer = PipelineObserver.of(flink, savepoints, clock);
    this.reconciler =
        new PipelineReconciler(
            flink,
            storage,
            events,
            leadership,
            store::write,
            recorder::record,
            retention(restorability),
            desired::propose,
            jars::contains,
            properties,
            flinkProperties.slotsOnDemand(),
            jobProperties.checkpointInterval(),
            jar.isPresent() ? jar.sha256() : null,
            clock);
    this.autoUpgrade =
        properties.upgrade().mode() == ReconcilerProperties.UpgradeTrigger.AUTO
            ? new AutoUpgrade(
                jars.shippedSha256(), desired::propose, events, leadership.replicaId(), clock)
            : null;
    // A command waits for the step it asked for: half an interval on average, were it left to the
    // schedule (docs/benchmarks.md, scenario 5, measures the commands against Flink's own), and
    // whichever replica accepted it.
    changes.onChange(this::pollSoon);
  }

  /**
   * A replica that gains the leadership reconciles at once: after a failover the pipeline is
   * unattended until the new leader's first pass, which the schedule would put up to an interval
   * later.
   */
  @EventListener
  void onLeadershipChange(LeadershipChange change) {
    if (change.leader()) {
      pollSoon();
    }
  }

  /** Kafka's answers through the savepoints' {@link Restorability}; unknown while Kafka is down. */
  private static TransactionsRetention retention(Restorability restorability) {
    return new TransactionsRetention() {
      @Override
      public Map<Integer, Long> committedOffsets() {
        try {
          Map<Integer, Long> committed = restorability.committedOffsets();
          return committed.isEmpty() ? null : committed;
        } catch (KafkaUnavailableException e) {
          return null;
        }
      }

      @Override
      public RestoreSafety assess(Map<Integer, Long> offsets) {
        return restorability.assess(offsets);
      }
    };
  }

  @Override
  protected void poll() {
    if (!enabled || !leadership.isLeader()) {
      statusEpoch = -1;
      return;
    }
    try {
      reconcileOnce();
    } catch (InterruptedException e) {
      // Only a shutdown interrupts this thread: a planned stop, not a failure of the step.
      log.info(
          "Reconciliation stopped: replica {} shuts down ({}); the next leader carries on from the"
              + " status last written",
          leadership.replicaId(),
          e.getMessage());
      Thread.currentThread().interrupt();
    } catch (KafkaUnavailableException e) {
      log.warn("Reconciliation skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Reconciliation failed", e);
    }
  }

  private void reconcileOnce() throws InterruptedException {
    boolean tookOver = false;
    if (statusEpoch != leadership.epoch()) {
      // Newly leading: start from what the previous leader wrote, not from what this replica
      // remembers of an earlier term.
      status = store.read().orElse(PipelineStatus.initial());
      statusEpoch = leadership.epoch();
      tookOver = true;
      log.info(
          "Replica {} leads (epoch {}); reconciling from status {}",
          leadership.replicaId(),
          statusEpoch,
          status.lastStep());
    }
    ObservedPipeline observed = observer.observe();
    Optional<DesiredState> wanted = desired.current();
    if (autoUpgrade != null && observed.flinkReachable()) {
      wanted = autoUpgrade.apply(wanted, observed, status);
    }
    PipelineStatus before = status;
    PipelineStatus after = reconciler.reconcile(wanted.orElse(null), observed, before);
    if (tookOver && after.lastStep() == before.lastStep()) {
      // Nothing to do, but the status says who acts from now on (and when it started to).
      after = reconciler.tookOver(after);
    }
    if (!after.equals(before) && leadership.isLeader()) {
      store.write(after);
      if (after.lastStep() != null && !after.lastStep().equals(before.lastStep())) {
        meters.counter("fraud.reconciler.steps", "action", after.lastStep().action()).increment();
      }
    }
    status = after;
  }
}
