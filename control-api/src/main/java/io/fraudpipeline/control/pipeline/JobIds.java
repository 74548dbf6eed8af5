package io.fraudpipeline.control.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The JobID of each deployment, derived from what the deployment follows: the pipeline, the desired
 * version and the job it replaces. Two replicas that take the same step compute the same id, and
 * Flink refuses the second submission as a duplicate: a leader that lost its lease but acts on what
 * it saw cannot start a second job for a step that was already taken.
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
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
