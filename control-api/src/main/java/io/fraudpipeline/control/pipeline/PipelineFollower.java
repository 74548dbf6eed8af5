package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Every replica's view of the desired state and the reconciler's status, re-read from Kafka every
 * reconciler interval, so health and metrics are served from memory and agree across replicas
 * whichever one leads.
 */
@Component
public class PipelineFollower extends PeriodicLifecycle {

  /**
   * The last read.
   *
   * @param desired the desired state, null when none is declared
   * @param status the reconciler's status, null before its first step
   * @param readAt when it was read
   * @param error why the last read failed, else null
   */
  public record Snapshot(
      DesiredState desired, PipelineStatus status, Instant readAt, String error) {}

  private final DesiredStateLog desired;
  private final PipelineStatusStore store;
  private final Clock clock = Clock.systemUTC();
  private volatile Snapshot snapshot = new Snapshot(null, null, null, "not read yet");

  PipelineFollower(
      DesiredStateLog desired,
      PipelineStatusStore store,
      ReconcilerProperties properties,
      MeterRegistry meters) {
    super("pipeline-follower", properties.interval(), java.time.Duration.ofSeconds(5));
    this.desired = desired;
    this.store = store;
    gauge(
        meters,
        "fraud.pipeline.desired.version",
        "The desired state's version",
        s -> s.desired() == null ? 0 : s.desired().version());
    gauge(
        meters,
        "fraud.pipeline.desired.running",
        "1 when the pipeline should run",
        s -> s.desired() != null && s.desired().spec().running() ? 1 : 0);
    gauge(
        meters,
        "fraud.pipeline.reconciled.version",
        "The desired version the reconciler last acted on",
        s -> s.status() == null ? 0 : s.status().desiredVersion());
    gauge(
        meters,
        "fraud.pipeline.deployments",
        "Jobs the reconciler deployed",
        s -> s.status() == null ? 0 : s.status().deployments());
    gauge(
        meters,
        "fraud.pipeline.gave.up",
        "1 when the reconciler stopped restarting a failed job (restart budget exhausted)",
        s -> s.status() != null && s.status().gaveUp() != null ? 1 : 0);
    gauge(
        meters,
        "fraud.pipeline.job.unhealthy",
        "1 when the running job is unhealthy",
        s -> s.status() != null && s.status().unhealthy() != null ? 1 : 0);
  }

  private void gauge(
      MeterRegistry meters, String name, String description, ToDoubleFunction<Snapshot> value) {
    Gauge.builder(name, this, f -> value.applyAsDouble(f.snapshot))
        .description(description)
        .register(meters);
  }

  @Override
  protected void poll() {
    try {
      snapshot =
          new Snapshot(
              desired.current().orElse(null), store.read().orElse(null), clock.instant(), null);
    } catch (KafkaUnavailableException e) {
      Snapshot last = snapshot;
      snapshot = new Snapshot(last.desired(), last.status(), last.readAt(), e.getMessage());
    }
  }

  public Snapshot snapshot() {
    return snapshot;
  }
}
