package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides how a job is taken down where the spec wants a savepoint, one rule for a replacement and
 * a suspend: a job whose tasks are merely starting is waited for ({@link TaskStartWait}); one that
 * cannot take a savepoint and has completed no checkpoint since it started is cancelled back to the
 * state it started from; one Flink keeps restarting ({@link RestartLoop}) is cancelled keeping its
 * newest checkpoint; one that cannot take a savepoint otherwise is waited for; else the savepoint.
 * Decided from the observation alone: no call to Flink.
 */
final class TakeDownPlanner {

  private final PipelineActions actions;
  private final RestartLoop restartLoop;
  private final TaskStartWait taskStartWait;

  TakeDownPlanner(PipelineActions actions, RestartLoop restartLoop, TaskStartWait taskStartWait) {
    this.actions = actions;
    this.restartLoop = restartLoop;
    this.taskStartWait = taskStartWait;
  }

  /**
   * @param needs what needs the savepoint, as the step says it ("a savepoint (suspend)", "replacing
   *     it with a savepoint")
   */
  TakeDown plan(FlinkJob job, PipelineStatus status, String needs) {
    if (stuckWithoutProgress(job, status)) {
      Optional<Instant> starting = taskStartWait.until(job);
      return starting.isPresent()
          ? new TakeDown.Wait(taskStartWait.waiting(job, starting.get(), needs))
          : new TakeDown.FromStart(withoutProgress(job, status));
    }
    String restarting = keepsRestarting(job);
    RestorePoint checkpoint = restarting == null ? null : actions.newestState(status, job.jobId());
    if (checkpoint != null) {
      return new TakeDown.FromCheckpoint(
          checkpoint,
          "it is "
              + job.state()
              + (job.isRunning() ? " without every task running" : "")
              + " and keeps restarting ("
              + restarting
              + ", as often as makes a job unhealthy); a savepoint needs it running");
    }
    if (!job.isRunning()) {
      return new TakeDown.Wait(
          "Job " + job.jobId() + " is " + job.state() + "; " + needs + " needs it RUNNING");
    }
    return new TakeDown.Savepoint();
  }

  /**
   * Whether the job cannot take a savepoint (not RUNNING, or not every task running: still
   * starting, no slots, or failing over) and has completed no checkpoint since it started, so it is
   * still at the state it started from ({@code status.lastState}): taking it down from there loses
   * nothing (exactly-once, none of its output was committed), where waiting for a savepoint might
   * never end. One merely starting is waited for a while first ({@link TaskStartWait}).
   */
  private boolean stuckWithoutProgress(FlinkJob job, PipelineStatus status) {
    if (canTakeASavepoint(job)
        || job.lastCheckpoint() != null
        || !job.jobId().equals(status.jobId())) {
      return false;
    }
    RestorePoint newest = actions.newestState(status, job.jobId());
    return newest == null || !job.jobId().equals(newest.jobId());
  }

  /**
   * Why a job that cannot take a savepoint now (not RUNNING, or not every task running) will not be
   * able to soon: Flink's restart strategy keeps recovering it, as often as makes a running job
   * unhealthy ({@link RestartLoop}); null when it does not, or when it can take one. Then it is
   * taken down from its newest retained checkpoint, where waiting for a savepoint never ends
   * (P9-3); one restart, or two, is still waited out for the savepoint.
   */
  private String keepsRestarting(FlinkJob job) {
    return canTakeASavepoint(job) ? null : restartLoop.restartedTooOften(job);
  }

  /** RUNNING with every task running (or its tasks not known): what a savepoint needs. */
  private static boolean canTakeASavepoint(FlinkJob job) {
    return job.isRunning() && !Boolean.FALSE.equals(job.tasksRunning());
  }

  private String withoutProgress(FlinkJob job, PipelineStatus status) {
    return "it is "
        + job.state()
        + (job.isRunning() ? " without every task running" : "")
        + taskStartWait.whyNotWaited(job)
        + " and has completed no checkpoint since it started from "
        + RestorePoint.describe(status.lastState())
        + " (a savepoint needs it running)";
  }
}
