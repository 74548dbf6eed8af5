package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.TaskStates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a job that must be stopped with a savepoint but cannot take one yet, and has completed no
 * checkpoint since it started, is worth waiting for: one deployed a moment ago whose tasks are
 * merely starting takes its savepoint a few seconds later, where cancelling it back to the state it
 * started from, as is done for a job that cannot start, would leave no savepoint (what a user who
 * deploys and stops expects) and, under at-least-once, have the next job raise its alerts again.
 * The wait is bounded by {@code fraud.reconciler.task-start-timeout}, counted from the job's
 * submission. Where Flink starts TaskManagers as jobs ask for slots ({@code
 * fraud.flink.slots-on-demand}) a task waiting for a slot is starting too: none is free until the
 * TaskManager being started for it registers.
 */
final class TaskStartWait {

  /** Job states on the way to running: not failing over, not ending. */
  private static final Set<String> STARTING = Set.of("INITIALIZING", "CREATED", "RUNNING");

  private final Duration timeout;
  private final boolean slotsOnDemand;
  private final Clock clock;

  TaskStartWait(Duration timeout, boolean slotsOnDemand, Clock clock) {
    this.timeout = timeout;
    this.slotsOnDemand = slotsOnDemand;
    this.clock = clock;
  }

  /**
   * Until when the job is waited for: present while it was submitted less than the timeout ago, has
   * not been restarted by Flink, and its tasks that do not run yet are starting or about to get
   * slots the cluster has free (or starts on demand); empty for a job that cannot start (its tasks
   * wait for slots that are not there, or fail), is failing over, or was waited for long enough.
   */
  Optional<Instant> until(FlinkJob job) {
    if (!starting(job) || job.startTime() == null) {
      return Optional.empty();
    }
    Instant until = job.startTime().plus(timeout);
    return clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
  }

  /**
   * The step's message while waiting, e.g. "Job … is starting (RUNNING, 1 of 2 tasks running, 1
   * deploying or initializing) and has completed no checkpoint yet; a savepoint (suspend) needs
   * every task running: waiting for them until …".
   *
   * @param needs what needs the savepoint, e.g. "a savepoint (suspend)"
   */
  String waiting(FlinkJob job, Instant until, String needs) {
    return "Job "
        + job.jobId()
        + " is starting ("
        + job.state()
        + ", "
        + job.tasks().describe()
        + ") and has completed no checkpoint yet; "
        + needs
        + " needs every task running: waiting for them until "
        + until
        + " (fraud.reconciler.task-start-timeout after its submission), past which it is cancelled"
        + " back to the state it started from";
  }

  /**
   * Why a job not waited for (any more) cannot take a savepoint, as the cancel's message says it:
   * e.g. "1 of 2 tasks running, 1 waiting for a slot (the cluster has none free)".
   */
  String whyNotWaited(FlinkJob job) {
    TaskStates tasks = job.tasks();
    if (tasks == null || !job.isActive()) {
      return "";
    }
    String counted = " (" + tasks.describe();
    return starting(job)
        ? counted + "; still starting past fraud.reconciler.task-start-timeout)"
        : counted + ")";
  }

  /** On its way to running, not restarted by Flink, its tasks merely starting. */
  private boolean starting(FlinkJob job) {
    TaskStates tasks = job.tasks();
    return STARTING.contains(job.state())
        && (job.restarts() == null || job.restarts() == 0)
        && tasks != null
        && (tasks.merelyStarting() || (slotsOnDemand && startingOnDemand(tasks)));
  }

  /** Not every task running, none failing: those waiting get slots as TaskManagers start. */
  private static boolean startingOnDemand(TaskStates tasks) {
    return !tasks.everyTaskRunning() && tasks.other() == 0;
  }
}
