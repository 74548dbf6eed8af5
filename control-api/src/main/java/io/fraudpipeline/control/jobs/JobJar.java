package io.fraudpipeline.control.jobs;

import java.nio.file.Path;

/**
 * A fraud job jar the control plane can run.
 *
 * @param sha256 its SHA-256 (hex): the jar's identity everywhere (job parameter, desired state)
 * @param file where it is kept
 * @param entryClass the main class its manifest names (or the configured default)
 */
public record JobJar(String sha256, Path file, String entryClass) {

  /** The name the jar carries on Flink: the checksum makes "already uploaded" a name lookup. */
  public String uploadName() {
    return fileName(sha256);
  }

  /**
   * The file name a jar with this checksum carries on Flink, in the jar store and where the shipped
   * jar is extracted: one name wherever the jar is.
   */
  static String fileName(String sha256) {
    return "fraud-job-" + sha256.substring(0, 16) + ".jar";
  }

  /** The first 12 hex digits, for messages. */
  public static String shortSha(String sha256) {
    return sha256 == null ? "unknown" : sha256.substring(0, Math.min(12, sha256.length()));
  }
}
