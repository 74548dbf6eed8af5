package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.savepoints.SavepointProperties;
import io.fraudpipeline.flink.FlinkRestClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Finds a job's newest retained checkpoint in Flink's checkpoint storage ({@code <dir>/<job
 * id>/chk-<n>/_metadata}), when the control plane can read that storage (a local or mounted file
 * system). Restoring the newest checkpoint, not the newest one observed, matters for exactly-once:
 * a checkpoint completed after the last observation may already have committed its alerts, and
 * restoring an older one would write them again. For the same reason it also finds a stop with
 * savepoint of the job that nobody recorded ({@link StopSavepoints}).
 */
@Component
public class CheckpointStorage {

  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");
  private static final Logger log = LoggerFactory.getLogger(CheckpointStorage.class);

  private final StopSavepoints stopSavepoints;

  /** Checkpoints only: no savepoint directory is looked in. */
  public CheckpointStorage() {
    this(StopSavepoints.none());
  }

  /**
   * Also looks in the savepoint directory: {@code fraud.savepoints.directory}, else the one Flink's
   * JobManager is configured with ({@code execution.checkpointing.savepoint-dir}).
   */
  @Autowired
  public CheckpointStorage(SavepointProperties savepoints, FlinkRestClient flink) {
    this(
        new StopSavepoints(
            savepoints.hasDirectory()
                ? () -> Optional.of(savepoints.directory())
                : new FlinkSavepointDirectory(flink::clusterConfiguration)));
  }

  CheckpointStorage(StopSavepoints stopSavepoints) {
    this.stopSavepoints = stopSavepoints;
  }

  /**
   * The job's newest stop with savepoint that is newer than {@code than} (see {@link
   * StopSavepoints}), if the savepoint directory is readable here.
   */
  Optional<StopSavepoints.Found> newerStopSavepoint(String jobId, RestorePoint than) {
    return stopSavepoints.newerThan(jobId, than);
  }

  /** The storage directory of a checkpoint path ({@code .../checkpoints/<job>/chk-7}). */
  public static String directoryOf(String checkpointPath) {
    Path path = localPath(checkpointPath);
    if (path == null || path.getParent() == null || path.getParent().getParent() == null) {
      return null;
    }
    return path.getParent().getParent().toUri().toString();
  }

  /** The newest checkpoint of the job in the storage directory, if it is readable here. */
  public Optional<RestorePoint> newest(String directory, String jobId) {
    Path dir = directory == null || jobId == null ? null : localPath(directory);
    if (dir == null) {
      return Optional.empty();
    }
    Path jobDir = dir.resolve(jobId);
    if (!Files.isDirectory(jobDir)) {
      return Optional.empty();
    }
    try (Stream<Path> children = Files.list(jobDir)) {
      return children
          .filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
          .max(Comparator.comparingLong(CheckpointStorage::number))
          .map(p -> point(p, jobId));
    } catch (IOException e) {
      log.warn("Cannot list the checkpoints of job {} in {}: {}", jobId, jobDir, e.toString());
      return Optional.empty();
    }
  }

  private static RestorePoint point(Path checkpoint, String jobId) {
    try {
      return new RestorePoint(
          withoutTrailingSlash(checkpoint.toUri().toString()),
          RestorePoint.Kind.CHECKPOINT,
          Files.getLastModifiedTime(checkpoint.resolve("_metadata")).toInstant(),
          jobId);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String withoutTrailingSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  private static long number(Path checkpoint) {
    Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** A {@code file:} URI or a plain path; null for other schemes (s3:, hdfs:...). */
  static Path localPath(String location) {
    try {
      URI uri = URI.create(location);
      if (uri.getScheme() == null) {
        return Paths.get(location);
      }
      if ("file".equals(uri.getScheme())) {
        return Paths.get(URI.create("file://" + uri.getPath()));
      }
      return null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
