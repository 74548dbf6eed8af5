package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One look at the pipeline, as the reconciler needs it.
 *
 * @param at when
 * @param flinkReachable whether Flink answered
 * @param error why it did not
 * @param jobs the fraud jobs Flink knows, active first, then newest first
 * @param latestSavepoint the newest savepoint of the history, if any
 */
public record ObservedPipeline(
    Instant at,
    boolean flinkReachable,
    String error,
    List<FlinkJob> jobs,
    SavepointRecord latestSavepoint) {

  static ObservedPipeline unreachable(Instant at, String error) {
    return new ObservedPipeline(at, false, error, List.of(), null);
  }

  public List<FlinkJob> activeJobs() {
    return jobs.stream().filter(FlinkJob::isActive).toList();
  }

  public Optional<FlinkJob> job(String jobId) {
    return jobId == null
        ? Optional.empty()
        : jobs.stream().filter(j -> j.jobId().equals(jobId)).findFirst();
  }
}
