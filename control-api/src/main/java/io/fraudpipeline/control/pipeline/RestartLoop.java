package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Tells a job Flink's restart strategy keeps recovering: restarted {@code
 * fraud.reconciler.unhealthy.max-restarts} times within {@code unhealthy.window}. One rule for a
 * running job found unhealthy ({@link JobHealthWatch}), an upgraded job that will not get ready
 * ({@link UpgradeReconciler}) and a job no savepoint can be taken of ({@link PipelineReconciler}).
 * Flink reports restarts since the job started, so the restarts within the window are the climb
 * since the oldest count observed within it; the job's start, when within the window, counts as an
 * observation of none (so a job already looping when first seen need not be watched a whole loop
 * again). Remembers what it saw between reconciliations, so one per reconciler.
 */
final class RestartLoop {

  private final ReconcilerProperties.Unhealthy unhealthy;
  private final Clock clock;

  /** Restart counts of the job as observed, oldest first. */
  private final Deque<Sample> samples = new ArrayDeque<>();

  /** The job's restart count, and its newest checkpoint's id then (null: none), as observed. */
  private record Sample(Instant at, String jobId, long restarts, Long checkpointId) {}

  RestartLoop(ReconcilerProperties.Unhealthy unhealthy, Clock clock) {
    this.unhealthy = unhealthy;
    this.clock = clock;
  }

  /**
   * Records the job's restart count as observed now; says how often it restarted within the window
   * ("restarted 3 times within PT5M") when that is as often as makes a job unhealthy, else null.
   */
  String restartedTooOften(FlinkJob job) {
    if (job.restarts() == null) {
      return null;
    }
    Instant now = clock.instant();
    Instant since = now.minus(unhealthy.window());
    samples.removeIf(s -> !s.jobId().equals(job.jobId()) || s.at().isBefore(since));
    samples.addLast(
        new Sample(
            now,
            job.jobId(),
            job.restarts(),
            job.lastCheckpoint() == null ? null : job.lastCheckpoint().id()));
    long before = samples.peekFirst().restarts();
    if (job.startTime() != null && !job.startTime().isBefore(since)) {
      before = 0;
    }
    long climbed = job.restarts() - before;
    return climbed >= unhealthy.maxRestarts()
        ? "restarted " + climbed + " times within " + unhealthy.window()
        : null;
  }

  /**
   * Whether the job has completed a checkpoint since its last restart, as far as the observations
   * tell: one newer than the job had when its restart count was last seen lower (its last restart
   * came after that). Without such an observation, one newer than when its count was first seen at
   * what it is now. Asked after {@link #restartedTooOften}, which records the observation.
   */
  boolean checkpointedSinceLastRestart(FlinkJob job) {
    if (job.restarts() == null || job.lastCheckpoint() == null) {
      return false;
    }
    Sample before = null;
    for (Sample s : samples) {
      if (s.jobId().equals(job.jobId()) && s.restarts() < job.restarts()) {
        before = s;
      }
    }
    if (before == null) {
      before =
          samples.stream()
              .filter(s -> s.jobId().equals(job.jobId()) && s.restarts() == job.restarts())
              .findFirst()
              .orElse(null);
    }
    return before != null
        && (before.checkpointId() == null || job.lastCheckpoint().id() > before.checkpointId());
  }

  /** Forgets what was observed: the job was replaced. */
  void forget() {
    samples.clear();
  }
}
