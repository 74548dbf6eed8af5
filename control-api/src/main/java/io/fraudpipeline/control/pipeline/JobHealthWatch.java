package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Watches the job that runs as desired: it is unhealthy when Flink's restarts of it keep climbing
 * (judged in whatever state it is seen, RUNNING or between two restarts) or, while RUNNING, no
 * checkpoint completes for {@code fraud.reconciler.unhealthy.missed-checkpoints} intervals. An
 * unhealthy job is reported, and restarted from its last checkpoint if so configured (within the
 * restart budget). Remembers what it saw between reconciliations, so one watch per reconciler; what
 * it remembers is of one leadership term: a new term watches afresh, and a report of the watched
 * job open in the status it takes over stays open until the watch has seen enough to judge the job
 * itself.
 */
final class JobHealthWatch {

  /** The step of a watched job found healthy. */
  private static final String HEALTHY = "none";

  private final PipelineActions actions;
  private final ReconcileSteps steps;
  private final EventRecorder events;
  private final ReconcilerProperties properties;
  private final Duration checkpointInterval;
  private final Clock clock;

  /** Tells when Flink's restarts of the running job keep climbing. */
  private final RestartLoop restartLoop;

  /** When the watch first saw the current job RUNNING: checkpoints are due from then on. */
  private String runningJob;

  private Instant runningSince;

  /** The leadership term the watch's memory is of. */
  private long term = Long.MIN_VALUE;

  /**
   * The job this watch found unhealthy itself in this term: an open report of any other job it
   * watches was taken over, and is no evidence the watch saw the trouble end.
   */
  private String reportedJob;

  JobHealthWatch(
      PipelineActions actions,
      ReconcileSteps steps,
      EventRecorder events,
      ReconcilerProperties properties,
      Duration checkpointInterval,
      RestartLoop restartLoop,
      Clock clock) {
    this.actions = actions;
    this.steps = steps;
    this.events = events;
    this.properties = properties;
    this.checkpointInterval = checkpointInterval;
    this.restartLoop = restartLoop;
    this.clock = clock;
  }

  /** The step for the expected job, found active: none while healthy, else report or restart. */
  PipelineStatus watch(FlinkJob job, PipelineStatus status) throws InterruptedException {
    startOfTerm();
    PipelineStatus.Builder next = status.toBuilder();
    next.suspended = false;
    String problem = healthProblem(job);
    if (problem == null) {
      if (job.isRunning()) {
        next.gaveUp = null;
        if (unjudgedReport(job, status)) {
          // Calling it healthy now would close the report at first sight, and reopen it as soon as
          // the watch caught up with the trouble.
          return steps.withStep(
              next.build(),
              "report-unhealthy",
              status.unhealthy()
                  + " (reported by an earlier leader; watched since "
                  + runningSince
                  + " until that can be judged again)");
        }
        // A JobHealthy event tells the end of it: closed(), after the step.
        next.unhealthy = null;
      }
      return steps.withStep(next.build(), HEALTHY, "Job " + job.jobId() + " is " + job.state());
    }
    reportedJob = job.jobId();
    if (status.unhealthy() == null || !job.jobId().equals(status.unhealthyJobId())) {
      // A report still open is of another job: closed(), after the step.
      events.warning(
          EventReason.JOB_UNHEALTHY,
          "Job " + job.jobId() + " is unhealthy: " + problem,
          job.jobId());
    }
    next.unhealthy = problem;
    next.unhealthyJobId = job.jobId();
    if (!properties.unhealthy().restart()) {
      return steps.withStep(next.build(), "report-unhealthy", problem);
    }
    Instant now = clock.instant();
    List<Instant> recent = properties.restartBudget().recent(status.failureRestarts(), now);
    if (recent.size() >= properties.restartBudget().maxRestarts()) {
      return steps.withStep(
          next.build(), "report-unhealthy", problem + " (restart budget exhausted)");
    }
    if (!actions.leading()) {
      return status;
    }
    actions.cancel(job);
    List<Instant> restarts = new ArrayList<>(recent);
    restarts.add(now);
    next.failureRestarts = restarts;
    next.lastState = actions.newestState(status, job.jobId());
    restartLoop.forget();
    String message =
        "Job "
            + job.jobId()
            + " cancelled because it is unhealthy ("
            + problem
            + "); the next step deploys it from "
            + RestorePoint.describe(next.lastState);
    events.warning(EventReason.JOB_REPLACED, message, job.jobId());
    return steps.withStep(next.build(), "replace", message);
  }

  /**
   * {@code after}, once a {@code JobHealthy} event closes the unhealthy report the step ended, so
   * that a receiver that opened an incident on {@code JobUnhealthy} closes it: whether the job is
   * healthy again, or the step took it down or found it gone (replaced, restored after a lost
   * JobManager, restarted, suspended, upgraded, adopted another), for then the unhealthy job runs
   * no more. Also a report a predecessor left open: its deployment's intent keeps the report, and
   * the step that follows it ends it (or reports the job it deployed unhealthy in its own name).
   */
  PipelineStatus closed(PipelineStatus before, PipelineStatus after) {
    if (before.unhealthy() == null
        || (after.unhealthy() != null
            && Objects.equals(before.unhealthyJobId(), after.unhealthyJobId()))) {
      return after;
    }
    String job = before.unhealthyJobId();
    boolean sameJobWatched =
        job != null
            && job.equals(after.jobId())
            && after.lastStep() != null
            && HEALTHY.equals(after.lastStep().action());
    String message =
        sameJobWatched
            ? "Job " + job + " is healthy again"
            : "Job "
                + job
                + ", reported unhealthy ("
                + before.unhealthy()
                + "), runs no more"
                + (after.lastStep() == null ? "" : ": " + after.lastStep().message());
    events.normal(EventReason.JOB_HEALTHY, message, job);
    return after;
  }

  /**
   * A new leadership term (this replica's first, or again after another replica led) watches
   * afresh: restarts and checkpoints seen before the gap tell nothing of what happened in it.
   */
  private void startOfTerm() {
    long epoch = steps.epoch();
    if (epoch != term) {
      term = epoch;
      runningJob = null;
      runningSince = null;
      reportedJob = null;
    }
  }

  /**
   * Whether the running job, reported unhealthy before this watch found it so, is still unjudged:
   * the watch has not yet seen enough to have found either trouble itself. Restarts tell once it
   * has watched a whole restart window (or while the job's start is within the window: then the
   * count since the start tells); checkpoints once it has seen one complete.
   */
  private boolean unjudgedReport(FlinkJob job, PipelineStatus status) {
    if (status.unhealthy() == null
        || !job.jobId().equals(status.unhealthyJobId())
        || job.jobId().equals(reportedJob)) {
      return false;
    }
    Instant now = clock.instant();
    Duration window = properties.unhealthy().window();
    boolean restartsTell =
        !now.isBefore(runningSince.plus(window))
            || (job.startTime() != null && !job.startTime().isBefore(now.minus(window)));
    // Without one since, the missed checkpoints' span ends in a report of its own.
    boolean checkpointsTell =
        job.lastCheckpoint() != null && job.lastCheckpoint().completedAt().isAfter(runningSince);
    return !(restartsTell && checkpointsTell);
  }

  /**
   * Why the active job is unhealthy, or null. Its restarts are judged whatever state it is seen in:
   * Flink's default restart strategy (exponential-delay) waits up to a minute between attempts, so
   * a job that fails as soon as it runs is RESTARTING or CREATED at nearly every observation and
   * may never be seen RUNNING. Checkpoints are due only while it is seen RUNNING.
   */
  private String healthProblem(FlinkJob job) {
    Instant now = clock.instant();
    String restarted = restartLoop.restartedTooOften(job);
    if (restarted != null) {
      return restarted + " (Flink's restart strategy keeps recovering it)";
    }
    if (!job.isRunning()) {
      return null;
    }
    if (!job.jobId().equals(runningJob)) {
      runningJob = job.jobId();
      runningSince = now;
    }
    Duration stale = checkpointInterval.multipliedBy(properties.unhealthy().missedCheckpoints());
    Instant since =
        job.lastCheckpoint() != null && job.lastCheckpoint().completedAt().isAfter(runningSince)
            ? job.lastCheckpoint().completedAt()
            : runningSince;
    if (since != null && since.isBefore(now.minus(stale))) {
      return "no checkpoint completed since "
          + since
          + " ("
          + properties.unhealthy().missedCheckpoints()
          + " checkpoint intervals of "
          + checkpointInterval
          + ")";
    }
    return null;
  }
}
