package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.flink.ClusterOverview;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One look at Flink: the cluster and every fraud job it knows, or why Flink could not be asked.
 *
 * @param observedAt when
 * @param flinkReachable whether Flink answered
 * @param error why Flink could not be observed
 * @param cluster the cluster overview, when reachable
 * @param jobs the fraud jobs Flink knows (active first, then newest first; at most 20), when
 *     reachable
 * @param flinkJobs every fraud job Flink knows, in the same order, as the reconciler sees them
 *     ({@link FlinkService#fraudJobs()}): from the same answers of Flink as {@code jobs}
 */
public record Observation(
    Instant observedAt,
    boolean flinkReachable,
    String error,
    ClusterOverview cluster,
    List<FraudJob> jobs,
    List<FlinkJob> flinkJobs) {

  static Observation unreachable(Instant at, String error) {
    return new Observation(at, false, error, null, List.of(), List.of());
  }

  /**
   * This observation, when Flink answered it: what was seen before Flink became unreachable is no
   * answer to a read ("the state is unknown").
   *
   * @throws FlinkUnavailableException when Flink could not be observed
   */
  public Observation requireReachable() {
    if (!flinkReachable) {
      throw new FlinkUnavailableException(
          "The fraud job's state is unknown: Flink could not be observed at "
              + observedAt
              + " ("
              + error
              + ")",
          null);
    }
    return this;
  }

  /** The fraud job that is not terminated, if any. */
  public Optional<FraudJob> activeJob() {
    return jobs.stream().filter(FraudJob::isActive).findFirst();
  }

  public Optional<FraudJob> job(String jobId) {
    return jobs.stream().filter(j -> j.jobId().equals(jobId)).findFirst();
  }
}
