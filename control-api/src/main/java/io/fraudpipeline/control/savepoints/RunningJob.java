package io.fraudpipeline.control.savepoints;

import java.util.Optional;

/**
 * The fraud job periodic savepoints are taken from: the one the reconciler expects, when Flink
 * reports it RUNNING. Implemented where that is known ({@code pipeline}).
 */
public interface RunningJob {

  /** The expected job's id when it runs; empty when none runs or it cannot be told. */
  Optional<RunningJobInfo> current();

  /**
   * @param jobId the job's id
   * @param parallelism its parallelism
   * @param deliveryGuarantee its delivery guarantee argument, if known
   * @param jarSha256 checksum of the jar it runs, if known
   */
  record RunningJobInfo(
      String jobId, int parallelism, String deliveryGuarantee, String jarSha256) {}
}
