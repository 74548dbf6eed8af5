package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.model.Sha256;

/**
 * The JobID of each deployment, derived from what the deployment follows: the pipeline, the desired
 * version and the job it replaces. Two replicas that take the same step compute the same id, and
 * Flink refuses the second submission as a duplicate: a leader that lost its lease but acts on what
 * it saw cannot start a second job for a step that was already taken. A successor that finds a
 * deployment recorded but never seen on Flink submits that same JobID again rather than deriving a
 * new one from it ({@link PipelineActions#submitAgain}): the recorded submission may land later.
 */
final class JobIds {

  private JobIds() {}

  /**
   * @param pipelineId the pipeline's id (from its desired state)
   * @param desiredVersion the desired version the deployment serves
   * @param predecessor the job it replaces, null for the pipeline's first
   * @return 32 hex digits
   */
  static String derive(String pipelineId, long desiredVersion, String predecessor) {
    String input =
        pipelineId + "|" + desiredVersion + "|" + (predecessor == null ? "-" : predecessor);
    return Sha256.hex(input).substring(0, 32);
  }
}
