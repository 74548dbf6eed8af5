package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.topics.ConsumerLag;
import io.fraudpipeline.control.topics.LagStatus;
import io.fraudpipeline.control.topics.OffsetsObservation;
import io.fraudpipeline.control.topics.OffsetsPoller;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code lag}: the fraud job's lag status from the poller's last sample. DOWN when
 * Kafka is unreachable or a partition is STALLED, unless the desired state has the pipeline
 * suspended (nothing consumes then, as asked: a planned stop must not page anyone, so UP with
 * {@code suspended: true}) or the job the reconciler deployed last has not completed its first
 * checkpoint yet (its offsets are committed only then: a resume after a long suspend would read as
 * a stall for a checkpoint interval; UP with {@code starting: true}; a job that never completes one
 * is reported by the {@code pipeline} component as unhealthy); {@value #DATA_LOSS} (a warning that
 * answers 200, see {@code management.endpoint.health.status}) while the group's committed offset is
 * below a partition's earliest offset; UP when OK or LAGGING (still consuming, the detail says
 * which) or UNKNOWN (no committed offset, or the window not covered yet). Here rather than in
 * {@code topics}: whether a stall is wanted is the desired state's to say.
 */
@Component("lagHealthIndicator")
class LagHealthIndicator implements HealthIndicator {

  static final String DATA_LOSS = "DATA_LOSS";

  private final OffsetsPoller poller;
  private final PipelineFollower pipeline;

  LagHealthIndicator(OffsetsPoller poller, PipelineFollower pipeline) {
    this.poller = poller;
    this.pipeline = pipeline;
  }

  @Override
  public Health health() {
    OffsetsObservation observation = poller.current();
    if (!observation.kafkaReachable()) {
      Health.Builder down =
          Health.down()
              .withDetail("error", observation.error())
              .withDetail("observed_at", observation.observedAt().toString());
      if (observation.lastReachableAt() != null) {
        down.withDetail("last_reachable_at", observation.lastReachableAt().toString());
      }
      return down.build();
    }
    ConsumerLag lag = observation.lag();
    boolean stalled = lag.partitions().stream().anyMatch(p -> p.status() == LagStatus.STALLED);
    PipelineFollower.Snapshot snapshot = pipeline.snapshot();
    boolean suspended = snapshot.desired() != null && !snapshot.desired().spec().running();
    boolean starting = !suspended && firstCheckpointPending(snapshot.status());
    Health.Builder health =
        stalled && !suspended && !starting
            ? Health.down()
            : lag.status() == LagStatus.DATA_LOSS ? Health.status(DATA_LOSS) : Health.up();
    health
        .withDetail("status", lag.status().name())
        .withDetail("group_id", lag.groupId())
        .withDetail("topic", lag.topic())
        .withDetail("lag_records", lag.lagRecords())
        .withDetail("records_lost", lag.recordsLost())
        .withDetail("observed_at", observation.observedAt().toString());
    if (suspended) {
      health.withDetail("suspended", true);
    }
    if (starting) {
      health.withDetail("starting", true);
    }
    if (lag.lagSeconds() != null) {
      health.withDetail("lag_seconds", lag.lagSeconds());
    }
    return health.build();
  }

  /** The job deployed last has no checkpoint or savepoint of its own in the status yet. */
  private static boolean firstCheckpointPending(PipelineStatus status) {
    return status != null
        && status.jobId() != null
        && !status.suspended()
        && (status.lastState() == null || !status.jobId().equals(status.lastState().jobId()));
  }
}
