package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.UnknownJobException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bounds the wait for a job Flink lists but answers it does not know (404) when a step acts on it.
 * A JobManager with HA answers so until it has recovered the job, so such a step waits for the next
 * pass rather than fail or take the job for ended. One that keeps answering so for {@code
 * fraud.reconciler.unknown-job-timeout} is reported unhealthy ({@code JobUnhealthy}, {@code
 * status.unhealthy}), and from the next pass on is left out of what the reconciler observes, so the
 * job is decided on as one Flink no longer lists: a lost job, deployed again from its newest state.
 * Flink listing a job it answers 404 for that long is no sign that the job runs: a JobManager runs
 * the jobs it can answer for. Remembers what it saw between reconciliations, so one per reconciler;
 * a new leadership term counts afresh.
 */
final class UnknownJobs {

  private final ReconcileSteps steps;
  private final EventRecorder events;
  private final Duration timeout;
  private final Clock clock;

  /** The job the last pass's step was answered 404 for, and since when, without a pass between. */
  private String unknownJob;

  private Instant unknownSince;

  /** Jobs taken for lost while Flink still lists them: left out of the observations. */
  private final Set<String> lost = new HashSet<>();

  private long term = Long.MIN_VALUE;

  UnknownJobs(ReconcileSteps steps, EventRecorder events, Duration timeout, Clock clock) {
    this.steps = steps;
    this.events = events;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** The observation without the jobs taken for lost; those Flink no longer lists are forgotten. */
  ObservedPipeline withoutLost(ObservedPipeline observed) {
    startOfTerm();
    if (lost.isEmpty()) {
      return observed;
    }
    lost.retainAll(observed.jobs().stream().map(FlinkJob::jobId).toList());
    List<FlinkJob> kept = observed.jobs().stream().filter(j -> !lost.contains(j.jobId())).toList();
    return new ObservedPipeline(
        observed.at(),
        observed.flinkReachable(),
        observed.error(),
        kept,
        observed.latestSavepoint());
  }

  /** A pass decided and acted without a 404: a wait under way is over. */
  void answered() {
    unknownJob = null;
    unknownSince = null;
  }

  /**
   * The step after Flink answered {@code e} during the step: a wait, or, past the timeout, the
   * report that the job is taken for lost from the next pass on.
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
    if (jobId == null || unknownFor.compareTo(timeout) < 0) {
      return steps.withStep(
          status,
          "wait",
          e.getMessage()
              + " during the step; acting on what Flink observes next"
              + (unknownFor.isZero()
                  ? ""
                  : " (answered so since "
                      + unknownSince
                      + "; taken for lost after "
                      + timeout
                      + ", fraud.reconciler.unknown-job-timeout)"));
    }
    lost.add(jobId);
    String problem =
        "Flink has answered that it does not know it since "
            + unknownSince
            + ", longer than fraud.reconciler.unknown-job-timeout ("
            + timeout
            + "), while it lists it: taken for lost, deployed again from its newest state ("
            + e.getMessage()
            + ")";
    PipelineStatus.Builder next = status.toBuilder();
    if (status.unhealthy() == null || !jobId.equals(status.unhealthyJobId())) {
      events.warning(
          EventReason.JOB_UNHEALTHY, "Job " + jobId + " is unhealthy: " + problem, jobId);
    }
    next.unhealthy = problem;
    next.unhealthyJobId = jobId;
    answered();
    return steps.withStep(next.build(), "report-unhealthy", problem);
  }

  private void startOfTerm() {
    long epoch = steps.epoch();
    if (epoch != term) {
      term = epoch;
      lost.clear();
      answered();
    }
  }
}
