package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.leadership.Leadership;
import java.time.Clock;

/**
 * Every decision of the reconciler ends in a step kept in the status (its last step: what was done,
 * by which replica in which epoch), so what it did last can be read whoever leads.
 */
final class ReconcileSteps {

  private final Leadership leadership;
  private final Clock clock;

  ReconcileSteps(Leadership leadership, Clock clock) {
    this.leadership = leadership;
    this.clock = clock;
  }

  /** The status with the step, or the status as it is when its last step says the same. */
  PipelineStatus withStep(PipelineStatus status, String action, String message) {
    if (status.lastStep() != null
        && status.lastStep().action().equals(action)
        && status.lastStep().message().equals(message)) {
      // Nothing new: keep the status as it is, so it is not written again.
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    next.lastStep = step(status.desiredVersion(), action, message);
    next.updatedAt = clock.instant();
    return next.build();
  }

  PipelineStatus steady(PipelineStatus status, String what) {
    return withStep(status, "none", "Pipeline is " + what);
  }

  /** A finished job whose savepoint Flink does not report yet: not restored from older state. */
  PipelineStatus awaitingFinalSavepoint(FlinkJob finished, PipelineStatus status) {
    return withStep(
        status,
        "wait",
        "Job "
            + finished.jobId()
            + " finished; waiting for Flink to report the savepoint it stopped with");
  }

  /** The status with a step saying this replica took over the reconciliation. */
  PipelineStatus tookOver(PipelineStatus status) {
    return withStep(
        status,
        "take-over",
        "Replica " + leadership.replicaId() + " reconciles from epoch " + leadership.epoch());
  }

  /** The leadership term steps are taken in now. */
  long epoch() {
    return leadership.epoch();
  }

  /** A step now, by this replica, towards {@code desiredVersion}. */
  ReconcileStep step(long desiredVersion, String action, String message) {
    return new ReconcileStep(
        clock.instant(),
        action,
        message,
        leadership.replicaId(),
        leadership.epoch(),
        desiredVersion);
  }
}
