package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.leadership.Leadership;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code pipeline}: DOWN when the reconciler gave up restarting a failed job
 * (until the desired state changes), UP otherwise, with the desired state, the reconciler's last
 * step, and a warning when the running job is unhealthy.
 */
@Component("pipeline")
class PipelineHealthIndicator implements HealthIndicator {

  private final PipelineFollower follower;
  private final Leadership leadership;

  PipelineHealthIndicator(PipelineFollower follower, Leadership leadership) {
    this.follower = follower;
    this.leadership = leadership;
  }

  @Override
  public Health health() {
    PipelineFollower.Snapshot snapshot = follower.snapshot();
    PipelineStatus status = snapshot.status();
    Health.Builder health = status != null && status.gaveUp() != null ? Health.down() : Health.up();
    if (snapshot.desired() != null) {
      health
          .withDetail("desired_version", snapshot.desired().version())
          .withDetail("desired_state", snapshot.desired().spec().state().json());
    } else {
      health.withDetail("desired_state", "none declared");
    }
    leadership.leaderId().ifPresent(leader -> health.withDetail("leader", leader));
    if (status != null) {
      if (status.jobId() != null) {
        health.withDetail("job_id", status.jobId());
      }
      if (status.gaveUp() != null) {
        health.withDetail("gave_up", status.gaveUp());
      }
      if (status.unhealthy() != null) {
        health.withDetail("warning", "job unhealthy: " + status.unhealthy());
      }
      if (status.lastStep() != null) {
        health.withDetail(
            "last_step", status.lastStep().action() + ": " + status.lastStep().message());
      }
    }
    if (snapshot.error() != null) {
      health.withDetail("error", snapshot.error());
    }
    return health.build();
  }
}
