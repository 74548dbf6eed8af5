package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides how a job is taken down where the spec wants a savepoint, one rule for a replacement and
 * a suspend, so that a stop with savepoint is asked for only when it can work (RUNNING, every task
 * running, not caught between two restarts of a loop):
 *
 * <ol>
 *   <li>one that cannot take a savepoint and has completed no checkpoint since it started is waited
 *       for while its tasks are merely starting ({@link TaskStartWait}), else cancelled back to the
 *       state it started from;
 *   <li>one Flink keeps restarting ({@link RestartLoop}) is cancelled keeping its newest
 *       checkpoint, also when seen RUNNING with every task running between two restarts, unless it
 *       has completed a checkpoint since its last restart ({@link
 *       RestartLoop#checkpointedSinceLastRestart}): then it runs steadily again and gets its
 *       savepoint;
 *   <li>one not RUNNING, or not every task running, is waited for;
 *   <li>else the savepoint.
 * </ol>
 *
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
    boolean canTakeOne = canTakeASavepoint(job);
    String restarting = restartLoop.restartedTooOften(job);
    // A savepoint is taken as a checkpoint is (every task acknowledging the barrier): a job that
    // has completed a checkpoint since its last restart can take one; one caught RUNNING between
    // two restarts of a loop, without, would fail it.
    boolean steadyAgain = canTakeOne && restartLoop.checkpointedSinceLastRestart(job);
    RestorePoint checkpoint =
        restarting == null || steadyAgain ? null : actions.newestState(status, job.jobId());
    if (checkpoint != null) {
      return new TakeDown.FromCheckpoint(
          checkpoint,
          (canTakeOne
                  ? "it runs again but has completed no checkpoint since its last restart"
                  : "it is " + job.state() + (job.isRunning() ? " without every task running" : ""))
              + " and keeps restarting ("
              + restarting
              + ", as often as makes a job unhealthy); a savepoint needs it running"
              + (canTakeOne ? " steadily" : ""));
    }
    if (!canTakeOne) {
      return new TakeDown.Wait(
          "Job "
              + job.jobId()
              + " is "
              + job.state()
              + (job.isRunning() ? " (" + job.tasks().describe() + ")" : "")
              + "; "
              + needs
              + " needs it RUNNING with every task running");
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
