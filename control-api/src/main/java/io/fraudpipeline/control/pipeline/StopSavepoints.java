package io.fraudpipeline.control.pipeline;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.CheckpointProperties;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a stop-with-savepoint of a job that Flink completed but nobody recorded: the JobManager
 * (without HA) died after the savepoint completed and before the control plane read the trigger's
 * outcome, so a fresh JobManager knows neither. Flink's Kafka sink had already committed the alerts
 * that savepoint closed, so resuming from the job's older checkpoint would write them again.
 *
 * <p>Flink names a savepoint {@code savepoint-<first 6 hex digits of the job id>-<12 random hex
 * digits>}; its {@code _metadata} holds its checkpoint id (checkpoints and savepoints of a job, and
 * of a job restored from them, share one increasing counter) and whether it stopped the job
 * (synchronous). Only such stops count: since Flink 1.15 an intermediate savepoint commits no side
 * effects and Flink itself never recovers from one. The 6 hex digits are all that ties a directory
 * to a job, so a savepoint counts only when it is newer than the state compared with in both
 * checkpoint id and write time.
 */
final class StopSavepoints {

  /** A completed stop-with-savepoint found in the directory. */
  record Found(String path, long checkpointId, Instant completedAt) {}

  private static final Pattern SAVEPOINT = Pattern.compile("savepoint-([0-9a-f]{6})-[0-9a-f]{12}");
  private static final Pattern CHECKPOINT = Pattern.compile(".*/chk-(\\d+)/?(_metadata)?");
  private static final String METADATA = "_metadata";
  private static final Logger log = LoggerFactory.getLogger(StopSavepoints.class);

  private final Supplier<Optional<String>> directory;

  /**
   * @param directory the savepoint directory Flink writes to, when known (empty: nothing is found)
   */
  StopSavepoints(Supplier<Optional<String>> directory) {
    this.directory = directory;
  }

  /** Never finds anything: where the savepoint directory is unknown or unreadable. */
  static StopSavepoints none() {
    return new StopSavepoints(Optional::empty);
  }

  /**
   * The job's newest stop-with-savepoint in the directory that is newer than {@code than}, in
   * checkpoint id and in time.
   *
   * @param than the newest state known otherwise; without one (or when its checkpoint id cannot be
   *     read here) nothing is found: nothing would tell another job's savepoint apart
   */
  Optional<Found> newerThan(String jobId, RestorePoint than) {
    if (jobId == null || jobId.length() < 6 || than == null || than.at() == null) {
      return Optional.empty();
    }
    OptionalLong thanId = checkpointId(than.path());
    String named = directory.get().map(CheckpointStorage::withoutTrailingSlash).orElse(null);
    Path dir = named == null ? null : CheckpointStorage.localPath(named);
    if (thanId.isEmpty() || dir == null || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    String prefix = jobId.substring(0, 6).toLowerCase();
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(p -> ofJob(p, prefix))
          .map(p -> read(p, named))
          .flatMap(Optional::stream)
          .filter(f -> f.checkpointId() > thanId.getAsLong() && f.completedAt().isAfter(than.at()))
          .max(Comparator.comparingLong(Found::checkpointId));
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot look for savepoints of job {} in {}: {}", jobId, dir, e.toString());
      return Optional.empty();
    }
  }

  private static boolean ofJob(Path candidate, String prefix) {
    Matcher m = SAVEPOINT.matcher(candidate.getFileName().toString());
    return m.matches() && m.group(1).equals(prefix);
  }

  /**
   * The savepoint, if its metadata is complete and says it stopped the job; its path in the form
   * the directory is named in (Flink's {@code file:/…}, not {@code file:///…}), as Flink reports
   * it.
   */
  private static Optional<Found> read(Path savepoint, String directory) {
    Path metadata = savepoint.resolve(METADATA);
    if (!Files.isRegularFile(metadata)) {
      return Optional.empty();
    }
    try {
      CheckpointMetadata loaded = load(metadata);
      CheckpointProperties properties = loaded.getCheckpointProperties();
      if (properties == null || !properties.isSavepoint() || !properties.isSynchronous()) {
        return Optional.empty();
      }
      return Optional.of(
          new Found(
              new org.apache.flink.core.fs.Path(directory, savepoint.getFileName().toString())
                  .toString(),
              loaded.getCheckpointId(),
              Files.getLastModifiedTime(metadata).toInstant()));
    } catch (IOException | RuntimeException e) {
      // Being written, or not Flink's: not a state to resume from.
      log.info("Not a savepoint to resume from: {} ({})", savepoint, e.toString());
      return Optional.empty();
    }
  }

  /** The checkpoint id of a state: from a {@code chk-N} path, else from its readable metadata. */
  static OptionalLong checkpointId(String path) {
    if (path == null) {
      return OptionalLong.empty();
    }
    Matcher m = CHECKPOINT.matcher(path);
    if (m.matches()) {
      return OptionalLong.of(Long.parseLong(m.group(1)));
    }
    Path local = CheckpointStorage.localPath(path);
    if (local == null) {
      return OptionalLong.empty();
    }
    Path metadata =
        local.getFileName() != null && METADATA.equals(local.getFileName().toString())
            ? local
            : local.resolve(METADATA);
    try {
      return Files.isRegularFile(metadata)
          ? OptionalLong.of(load(metadata).getCheckpointId())
          : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      log.info("Cannot read the checkpoint id of {}: {}", path, e.toString());
      return OptionalLong.empty();
    }
  }

  private static CheckpointMetadata load(Path metadata) throws IOException {
    try (InputStream in = Files.newInputStream(metadata)) {
      return Checkpoints.loadCheckpointMetadata(
          new DataInputStream(in),
          StopSavepoints.class.getClassLoader(),
          metadata.getParent().toUri().toString());
    }
  }
}
