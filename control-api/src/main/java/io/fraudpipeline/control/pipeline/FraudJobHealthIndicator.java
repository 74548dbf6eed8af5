package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JobFailure;
import io.fraudpipeline.control.jobs.Observation;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Health component {@code fraudJob}, from the observer's last look at Flink: RUNNING is UP;
 * RESTARTING, FAILING or SUSPENDED is DOWN; a job being created is STARTING; no running job is
 * NOT_DEPLOYED, or SUSPENDED while the desired state has the pipeline suspended (a planned stop is
 * not "deploy it"); Flink unreachable is UNKNOWN. Here rather than in {@code jobs}: whether no job
 * is wanted is the desired state's to say.
 */
@Component("fraudJob")
class FraudJobHealthIndicator implements HealthIndicator {

  static final Status STARTING = new Status("STARTING", "The fraud job is being scheduled");
  static final Status NOT_DEPLOYED = new Status("NOT_DEPLOYED", "No fraud job runs on Flink");
  static final Status SUSPENDED =
      new Status("SUSPENDED", "No fraud job runs: the pipeline is suspended on purpose");

  private final FraudJobObserver observer;
  private final PipelineFollower pipeline;

  FraudJobHealthIndicator(FraudJobObserver observer, PipelineFollower pipeline) {
    this.observer = observer;
    this.pipeline = pipeline;
  }

  @Override
  public Health health() {
    Observation observation = observer.current();
    if (!observation.flinkReachable()) {
      return Health.unknown()
          .withDetail("observed_at", observation.observedAt().toString())
          .withDetail("error", observation.error())
          .build();
    }
    return observation
        .activeJob()
        .map(job -> forJob(job, observation))
        .orElseGet(() -> withoutJob(observation));
  }

  private Health withoutJob(Observation observation) {
    DesiredState desired = pipeline.snapshot().desired();
    boolean suspended = desired != null && !desired.spec().running();
    Health.Builder health =
        Health.status(suspended ? SUSPENDED : NOT_DEPLOYED)
            .withDetail("observed_at", observation.observedAt().toString());
    if (suspended) {
      health.withDetail("desired_version", desired.version());
    }
    return health.build();
  }

  private static Health forJob(FraudJob job, Observation observation) {
    Status status =
        switch (job.state()) {
          case "RUNNING" -> Status.UP;
          case "CREATED", "INITIALIZING", "RECONCILING" -> STARTING;
          default -> Status.DOWN;
        };
    Health.Builder health =
        Health.status(status)
            .withDetail("job_id", job.jobId())
            .withDetail("state", job.state())
            .withDetail("observed_at", observation.observedAt().toString());
    if (job.uptime() != null) {
      health.withDetail("uptime", job.uptime().toString());
    }
    if (job.restarts() != null) {
      health.withDetail("restarts", job.restarts());
    }
    if (job.rulesVersionApplied() != null) {
      health.withDetail("rules_version_applied", job.rulesVersionApplied());
    }
    if (status == Status.DOWN && !job.exceptions().isEmpty()) {
      JobFailure last = job.exceptions().get(0);
      health.withDetail("last_failure", last.exception() + ": " + last.message());
    }
    return health.build();
  }
}
