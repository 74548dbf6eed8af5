package io.fraudpipeline.control.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointProperties;
import org.apache.flink.runtime.checkpoint.CheckpointRetentionPolicy;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;

/**
 * Checkpoint and savepoint directories as a JobManager writes them: the layout it uses ({@code
 * <job>/chk-<n>}, {@code savepoint-<6 hex of the job>-<12 hex>}) and a {@code _metadata} written by
 * Flink's own serializer ({@link Checkpoints#storeCheckpointMetadata}), with its write time.
 */
final class FlinkStateFiles {

  private static final AtomicLong NAMES = new AtomicLong();

  private FlinkStateFiles() {}

  static Path checkpoint(Path checkpoints, String jobId, long id, Instant at) throws IOException {
    Path dir = checkpoints.resolve(jobId).resolve("chk-" + id);
    write(
        dir,
        new CheckpointMetadata(
            id,
            List.of(),
            List.of(),
            CheckpointProperties.forCheckpoint(CheckpointRetentionPolicy.RETAIN_ON_CANCELLATION)),
        at);
    return dir;
  }

  /**
   * @param stop whether it stopped the job (a synchronous savepoint), else an intermediate one
   */
  static Path savepoint(Path savepoints, String jobId, long id, Instant at, boolean stop)
      throws IOException {
    Path dir =
        savepoints.resolve(
            "savepoint-"
                + jobId.substring(0, 6)
                + "-"
                + "%012x".formatted(NAMES.incrementAndGet()));
    CheckpointProperties properties =
        stop
            ? CheckpointProperties.forSyncSavepoint(true, false, SavepointFormatType.CANONICAL)
            : CheckpointProperties.forSavepoint(true, SavepointFormatType.CANONICAL);
    write(dir, new CheckpointMetadata(id, List.of(), List.of(), properties), at);
    return dir;
  }

  /** The directory's location as Flink reports it: {@code file:/…}, no trailing slash. */
  static String uri(Path dir) {
    return CheckpointStorage.withoutTrailingSlash(
        new org.apache.flink.core.fs.Path(dir.toUri()).toString());
  }

  private static void write(Path dir, CheckpointMetadata metadata, Instant at) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("_metadata");
    try (OutputStream out = Files.newOutputStream(file)) {
      Checkpoints.storeCheckpointMetadata(metadata, out);
    }
    Files.setLastModifiedTime(file, FileTime.from(at));
  }
}
