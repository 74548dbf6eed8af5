package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.savepoints.SavepointRecord;

/**
 * Suspends the pipeline when the desired state says {@code suspended}: its job stopped with a
 * savepoint (drained, if so said) or cancelled, as the suspend mode says and {@link
 * TakeDownPlanner} finds possible; with no job active, a suspend recorded all the same. Either way
 * the status keeps the state the pipeline resumes from.
 */
final class SuspendReconciler {

  private final PipelineActions actions;
  private final ReconcileSteps steps;
  private final EventRecorder events;
  private final TakeDownPlanner takeDown;

  SuspendReconciler(
      PipelineActions actions,
      ReconcileSteps steps,
      EventRecorder events,
      TakeDownPlanner takeDown) {
    this.actions = actions;
    this.steps = steps;
    this.events = events;
    this.takeDown = takeDown;
  }

  PipelineStatus suspend(PipelineSpec spec, FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    TakeDown plan =
        spec.suspendMode() == SuspendMode.CANCEL
            ? null
            : takeDown.plan(job, status, "a savepoint (suspend)");
    if (plan instanceof TakeDown.Wait wait) {
      return steps.withStep(status, "wait", wait.message());
    }
    if (!actions.leading()) {
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    String message;
    if (plan instanceof TakeDown.FromCheckpoint fromCheckpoint) {
      actions.cancel(job);
      next.lastState = fromCheckpoint.checkpoint();
      message =
          "Job "
              + job.jobId()
              + " cancelled (suspended): "
              + fromCheckpoint.reason()
              + "; the pipeline resumes from "
              + RestorePoint.describe(next.lastState)
              + " as in cancel mode";
    } else if (plan instanceof TakeDown.FromStart fromStart) {
      actions.cancel(job);
      message =
          "Job "
              + job.jobId()
              + " cancelled (suspended): "
              + fromStart.reason()
              + ", which the pipeline resumes from";
    } else if (plan == null) {
      actions.cancel(job);
      next.lastState = actions.newestState(status, job.jobId());
      message = "Job " + job.jobId() + " cancelled (suspended; its last checkpoint is kept)";
    } else {
      PipelineActions.Stopped stopped =
          actions.stopWithSavepoint(
              job, spec.suspendMode() == SuspendMode.DRAIN, SavepointRecord.Kind.STOP, status);
      next.lastState = stopped.savepoint();
      message =
          "Job "
              + job.jobId()
              + " stopped with savepoint "
              + stopped.savepoint().path()
              + " (suspended)"
              + stopped.howKnown();
    }
    next.suspended = true;
    next.unhealthy = null;
    events.normal(EventReason.JOB_SUSPENDED, message, job.jobId());
    return steps.withStep(next.build(), "suspend", message);
  }

  /**
   * Desired suspended while no job is active: one a replacement (a rescale) just took down, or one
   * that ended otherwise. Recorded as a suspend all the same, so the next running version resumes
   * the pipeline from its last state rather than finishing the replacement.
   */
  PipelineStatus suspendedWithoutJob(
      DesiredState desired, PipelineStatus status, boolean stoppedWithItsState) {
    PipelineStatus.Builder next = status.toBuilder();
    next.suspended = true;
    next.unhealthy = null;
    // The job may have completed checkpoints after the last observation (a cancel by a leader
    // that died, a job cancelled outside), and Flink keeps only the newest: resume from that one.
    next.lastState = actions.newestState(status, status.jobId());
    String message =
        "Pipeline suspended (desired version "
            + desired.version()
            + "): job "
            + status.jobId()
            // Its stopper (a leader that lost Kafka, or died) did not record the stop.
            + (stoppedWithItsState
                    && next.lastState != null
                    && next.lastState.equals(status.lastState())
                ? " had been stopped with "
                    + RestorePoint.describe(next.lastState)
                    + " (Flink's final savepoint of the job), which is kept"
                : " was no longer active, so nothing was stopped; its last state, "
                    + RestorePoint.describe(next.lastState)
                    + ", is kept");
    events.normal(EventReason.JOB_SUSPENDED, message, status.jobId());
    return steps.withStep(next.build(), "suspend", message);
  }
}
