package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.support.TestLeadership;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One replica's {@link PipelineReconciler} over the {@link FlinkService} a test gives (the real one
 * of a running control plane, in tests of other packages), taking one step when the test says, on
 * the observation and status the test gives: how two replicas hand the pipeline over can be played
 * out against a real Flink without racing a running reconcile loop. Events and the statuses it
 * records before submitting are kept in memory.
 */
public final class ReplicaReconciler {

  public final TestLeadership leadership;
  public final RecordedEvents events = new RecordedEvents();
  private final List<PipelineStatus> intents = new CopyOnWriteArrayList<>();
  private final FlinkService flink;
  private final PipelineReconciler reconciler;
  private final Clock clock = Clock.systemUTC();

  /**
   * @param shippedJar the checksum of the jar the control plane ships (a deployment that names no
   *     jar is recorded with it)
   */
  public ReplicaReconciler(String replicaId, FlinkService flink, String shippedJar) {
    this.leadership = TestLeadership.alone(replicaId);
    this.flink = flink;
    Duration timeout = Duration.ofMinutes(1);
    this.reconciler =
        new PipelineReconciler(
            flink,
            new CheckpointStorage(),
            events,
            leadership,
            intents::add,
            savepoint -> savepoint,
            TransactionsRetention.UNKNOWN,
            desired -> desired,
            jar -> true,
            new ReconcilerProperties(
                true,
                Duration.ofSeconds(1),
                timeout,
                timeout,
                timeout,
                new ReconcilerProperties.RestartBudget(
                    3, Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofMinutes(2)),
                new ReconcilerProperties.Unhealthy(3, Duration.ofMinutes(5), 5, false),
                new ReconcilerProperties.Upgrade(
                    ReconcilerProperties.UpgradeTrigger.MANUAL,
                    Duration.ofMinutes(3),
                    Duration.ofMinutes(10)),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5)),
            false,
            Duration.ofSeconds(5),
            shippedJar,
            clock);
  }

  /** The first desired version of a pipeline declared running, exactly-once, as the defaults. */
  public static DesiredState running(String pipelineId, int parallelism) {
    PipelineSpec spec =
        new PipelineSpec(
            PipelineState.RUNNING,
            parallelism,
            DeliveryGuarantee.EXACTLY_ONCE,
            UpgradeMode.SAVEPOINT,
            SuspendMode.SAVEPOINT,
            true,
            null,
            false,
            null);
    return new DesiredState(1, pipelineId, spec, 1, Clock.systemUTC().instant(), "test", "test");
  }

  /**
   * The next desired version of {@code desired}, naming {@code jar} (an upgrade, savepoint mode).
   */
  public static DesiredState onJar(DesiredState desired, String jar) {
    return new DesiredState(
        desired.version() + 1,
        desired.pipelineId(),
        desired.spec().withJar(jar, UpgradeMode.SAVEPOINT),
        desired.restoreGeneration(),
        Clock.systemUTC().instant(),
        "test",
        "test");
  }

  /** What this replica sees of Flink now. */
  public ObservedPipeline observe() {
    return new PipelineObserver(flink, () -> null, clock).observe();
  }

  /** One reconciliation. */
  public PipelineStatus step(DesiredState desired, ObservedPipeline observed, PipelineStatus status)
      throws InterruptedException {
    return reconciler.reconcile(desired, observed, status);
  }

  /** The status it last recorded before submitting a job: what a successor reads. */
  public PipelineStatus lastIntent() {
    return intents.get(intents.size() - 1);
  }
}
