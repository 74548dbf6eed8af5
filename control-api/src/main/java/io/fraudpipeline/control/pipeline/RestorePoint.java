package io.fraudpipeline.control.pipeline;

import java.time.Instant;
import java.util.Map;

/**
 * A state the fraud job can be started from.
 *
 * @param path the savepoint or retained checkpoint, as Flink takes it back
 * @param kind a checkpoint or a savepoint
 * @param at when it completed
 * @param jobId the job that wrote it
 * @param transactionsOffsets the {@code transactions} offsets it resumes from (partition → next
 *     offset), as the job's group committed them when it completed; null when unknown
 */
public record RestorePoint(
    String path, Kind kind, Instant at, String jobId, Map<Integer, Long> transactionsOffsets) {

  public RestorePoint(String path, Kind kind, Instant at, String jobId) {
    this(path, kind, at, jobId, null);
  }

  RestorePoint withOffsets(Map<Integer, Long> offsets) {
    return new RestorePoint(path, kind, at, jobId, offsets == null ? null : Map.copyOf(offsets));
  }

  public enum Kind {
    CHECKPOINT,
    SAVEPOINT
  }

  /** A state a restore asked for by path: no job of this pipeline wrote it or ran from it yet. */
  boolean requested() {
    return jobId == null;
  }

  /** How steps and events name a state to start from: "checkpoint …", "savepoint …" or none. */
  static String describe(RestorePoint point) {
    return point == null ? "no state" : point.kind().name().toLowerCase() + " " + point.path();
  }

  /** How steps and events name a savepoint asked for by path, or none. */
  static String describeSavepoint(String path) {
    return path == null ? "no state" : "savepoint " + path;
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
