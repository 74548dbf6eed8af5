package io.fraudpipeline.control.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

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

  /** A checkpoint directory, or its metadata file, at the end of a path. */
  private static final Pattern CHECKPOINT_PATH = Pattern.compile("/chk-\\d+(/(_metadata)?)?$");

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

  /**
   * A state a restore asks for by path (no job of this pipeline wrote it or ran from it yet), of
   * the kind its path says: {@code restore.latest} may name the last job's retained checkpoint.
   */
  static RestorePoint requested(String path, Instant at) {
    return new RestorePoint(path, kindOf(path), at, null);
  }

  /**
   * How steps and events name a state asked for by path ("checkpoint …", "savepoint …"), or none.
   */
  static String describeRequested(String path) {
    return path == null ? "no state" : kindOf(path).name().toLowerCase() + " " + path;
  }

  /** Flink's checkpoints are its {@code chk-<n>} directories; any other path is a savepoint's. */
  private static Kind kindOf(String path) {
    return CHECKPOINT_PATH.matcher(path).find() ? Kind.CHECKPOINT : Kind.SAVEPOINT;
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
