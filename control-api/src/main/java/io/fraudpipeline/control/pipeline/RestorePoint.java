package io.fraudpipeline.control.pipeline;

import java.time.Instant;

/**
 * A state the fraud job can be started from.
 *
 * @param path the savepoint or retained checkpoint, as Flink takes it back
 * @param kind a checkpoint or a savepoint
 * @param at when it completed
 * @param jobId the job that wrote it
 */
public record RestorePoint(String path, Kind kind, Instant at, String jobId) {

  public enum Kind {
    CHECKPOINT,
    SAVEPOINT
  }

  /** The newer of two, either of which may be absent. */
  static RestorePoint newer(RestorePoint a, RestorePoint b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return b.at().isAfter(a.at()) ? b : a;
  }
}
