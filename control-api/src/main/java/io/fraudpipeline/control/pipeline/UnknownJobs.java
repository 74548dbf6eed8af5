package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.UnknownJobException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Bounds the silence of the wait for a job Flink lists but answers it does not know (404) when a
 * step acts on it. A JobManager with HA answers so until it has recovered the job, so such a step
 * waits for the next pass rather than fail or take the job for ended. One that keeps answering so
 * for {@code fraud.reconciler.unknown-job-timeout} is reported unhealthy once ({@code
 * JobUnhealthy}, {@code status.unhealthy}) and the step keeps waiting: while Flink lists the job it
 * may still run, and a second job deployed beside it would raise every alert twice, so what to do
 * with it (cancel it on Flink, restart the JobManager) is the operator's call. Remembers what it
 * saw between reconciliations, so one per reconciler; a new leadership term counts afresh.
 */
final class UnknownJobs {

  private final ReconcileSteps steps;
  private final EventRecorder events;
  private final Duration timeout;
  private final Clock clock;

  /** The job the last pass's step was answered 404 for, and since when, without a pass between. */
  private String unknownJob;

  private Instant unknownSince;

  private long term = Long.MIN_VALUE;

  UnknownJobs(ReconcileSteps steps, EventRecorder events, Duration timeout, Clock clock) {
    this.steps = steps;
    this.events = events;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** A pass decided and acted without a 404: a wait under way is over. */
  void answered() {
    unknownJob = null;
    unknownSince = null;
  }

  /**
   * The step after Flink answered {@code e} during the step: a wait, reported as the job being
   * unhealthy once it has lasted longer than the timeout.
   */
  PipelineStatus waitFor(PipelineStatus status, UnknownJobException e) {
    startOfTerm();
    Instant now = clock.instant();
    String jobId = e.jobId();
    if (jobId == null || !jobId.equals(unknownJob)) {
      unknownJob = jobId;
      unknownSince = now;
    }
    Duration unknownFor = Duration.between(unknownSince, now);
    String waiting = e.getMessage() + " during the step; acting on what Flink observes next";
    if (jobId == null || unknownFor.compareTo(timeout) < 0) {
      return steps.withStep(
          status,
          "wait",
          waiting
              + (unknownFor.isZero()
                  ? ""
                  : " (answered so since "
                      + unknownSince
                      + "; reported unhealthy after "
                      + timeout
                      + ", fraud.reconciler.unknown-job-timeout)"));
    }
    if (status.unhealthy() != null && jobId.equals(status.unhealthyJobId())) {
      return steps.withStep(status, "wait", waiting + " (answered so since " + unknownSince + ")");
    }
    String problem =
        "Flink has answered that it does not know it since "
            + unknownSince
            + ", longer than fraud.reconciler.unknown-job-timeout ("
            + timeout
            + "), while it lists it: no job is deployed beside it while Flink lists it; cancel it"
            + " on Flink or restart the JobManager ("
            + e.getMessage()
            + ")";
    events.warning(EventReason.JOB_UNHEALTHY, "Job " + jobId + " is unhealthy: " + problem, jobId);
    PipelineStatus.Builder next = status.toBuilder();
    next.unhealthy = problem;
    next.unhealthyJobId = jobId;
    return steps.withStep(next.build(), "report-unhealthy", problem);
  }

  private void startOfTerm() {
    long epoch = steps.epoch();
    if (epoch != term) {
      term = epoch;
      answered();
    }
  }
}
