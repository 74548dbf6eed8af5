package io.fraudpipeline.control.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.apache.flink.api.common.JobStatus;
import org.springframework.stereotype.Component;

/**
 * The fraud job's gauges (docs/metrics.md), read from the observer's last observation; a value that
 * is unknown (Flink unreachable, no job) is NaN, never the last good one.
 */
@Component
class FraudJobMetrics implements MeterBinder {

  /** States reported by {@code fraud.job.state}: Flink's, plus ours. */
  static final String NOT_DEPLOYED = "NOT_DEPLOYED";

  static final String UNKNOWN = "UNKNOWN";

  private final FraudJobObserver observer;

  FraudJobMetrics(FraudJobObserver observer) {
    this.observer = observer;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (JobStatus status : JobStatus.values()) {
      stateGauge(registry, status.name());
    }
    stateGauge(registry, NOT_DEPLOYED);
    stateGauge(registry, UNKNOWN);
    gauge(
        registry,
        "fraud.job.uptime",
        "seconds",
        "Time since the fraud job last became RUNNING",
        job -> job.uptime() == null ? Double.NaN : job.uptime().toMillis() / 1000.0);
    gauge(
        registry,
        "fraud.job.restarts",
        null,
        "Restarts of the fraud job since it was submitted",
        job -> job.restarts() == null ? Double.NaN : job.restarts());
    gauge(
        registry,
        "fraud.job.parallelism",
        null,
        "Parallelism of the fraud job",
        job -> job.parallelism() == null ? Double.NaN : job.parallelism());
    gauge(
        registry,
        "fraud.job.checkpoints.completed",
        null,
        "Completed checkpoints of the running fraud job",
        job -> job.checkpoints() == null ? Double.NaN : job.checkpoints().completed());
    gauge(
        registry,
        "fraud.job.checkpoints.failed",
        null,
        "Failed checkpoints of the running fraud job",
        job -> job.checkpoints() == null ? Double.NaN : job.checkpoints().failed());
    gauge(
        registry,
        "fraud.job.checkpoint.last.duration",
        "seconds",
        "Duration of the fraud job's latest completed checkpoint",
        job -> lastCompleted(job).map(c -> c.duration().toMillis() / 1000.0).orElse(Double.NaN));
    gauge(
        registry,
        "fraud.job.checkpoint.last.age",
        "seconds",
        "Time since the fraud job's latest completed checkpoint ended (as of the last poll)",
        job -> lastCompleted(job).map(c -> c.age().toMillis() / 1000.0).orElse(Double.NaN));
    gauge(
        registry,
        "fraud.job.checkpoint.last.size",
        "bytes",
        "State size of the fraud job's latest completed checkpoint",
        job -> lastCompleted(job).map(c -> (double) c.stateSize()).orElse(Double.NaN));
    // The applied rules version is exported once, as fraud.rules.version.applied (rules package).
    Gauge.builder("fraud.flink.reachable", observer, o -> o.current().flinkReachable() ? 1 : 0)
        .description("1 when the last poll of Flink's REST API succeeded")
        .register(registry);
  }

  private void stateGauge(MeterRegistry registry, String state) {
    Gauge.builder("fraud.job.state", observer, o -> state.equals(stateOf(o)) ? 1 : 0)
        .description("1 for the fraud job's current state, 0 for the others")
        .tag("state", state.toLowerCase(Locale.ROOT))
        .register(registry);
  }

  private static String stateOf(FraudJobObserver observer) {
    Observation observation = observer.current();
    if (!observation.flinkReachable()) {
      return UNKNOWN;
    }
    return observation.activeJob().map(FraudJob::state).orElse(NOT_DEPLOYED);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String unit,
      String description,
      ToDoubleFunction<FraudJob> value) {
    Gauge.Builder<FraudJobObserver> builder =
        Gauge.builder(
                name,
                observer,
                o -> {
                  Observation observation = o.current();
                  if (!observation.flinkReachable()) {
                    return Double.NaN;
                  }
                  return observation.activeJob().map(value::applyAsDouble).orElse(Double.NaN);
                })
            .description(description);
    if (unit != null) {
      builder.baseUnit(unit);
    }
    builder.register(registry);
  }

  private static Optional<CheckpointSummary.LastCheckpoint> lastCompleted(FraudJob job) {
    return Optional.ofNullable(job.checkpoints()).map(CheckpointSummary::lastCompleted);
  }
}
