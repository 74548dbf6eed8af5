package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Writes a completed savepoint to the history together with the {@code transactions} offsets it
 * resumes from: read from the savepoint's own state where this process sees Flink's file system
 * ({@link SavedSourceOffsets}), else from the job's consumer group.
 *
 * <p>The group is the fallback because it is only as new as the last commit the job got to send:
 * the job commits its source offsets when Flink tells it a checkpoint or savepoint completed,
 * asynchronously. Of a job that goes on running, they are read until they have not moved for {@link
 * #SETTLE}, within {@link #MAX_WAIT}; a checkpoint completing within that moment would make them a
 * little newer than the savepoint's. Of a job the savepoint stopped ({@link
 * SavepointRecord.Kind#endsTheJob()}) they are read once, and they may be a checkpoint interval
 * old, or absent: the savepoint that ends a job is not committed to the group (see {@link
 * SavedSourceOffsets}).
 *
 * <p>Hence also, for a savepoint that ended the job and whose state was read, the group is moved
 * forward to the savepoint's offsets: a job deployed afterwards without state starts from the
 * group's offsets, and would otherwise read again what the stopped job had already alerted on.
 */
@Component
public class SavepointRecorder {

  static final Duration SETTLE = Duration.ofSeconds(1);
  static final Duration MAX_WAIT = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Logger log = LoggerFactory.getLogger(SavepointRecorder.class);

  private final Consumer<SavepointRecord> history;
  private final Supplier<Map<Integer, Long>> committedOffsets;
  private final Function<String, Optional<Map<Integer, Long>>> savedOffsets;
  private final UnaryOperator<Map<Integer, Long>> advanceCommitted;

  @Autowired
  public SavepointRecorder(SavepointHistory history, Restorability restorability) {
    this(
        history::append,
        restorability::committedOffsets,
        restorability::savedOffsets,
        restorability::advanceCommittedOffsets);
  }

  /**
   * @param history appends a record; returns once Kafka has it
   * @param committedOffsets the job group's committed {@code transactions} offsets by partition
   *     (empty when it has none), or {@link KafkaUnavailableException}
   * @param savedOffsets a savepoint's {@code transactions} offsets read from its state, if readable
   * @param advanceCommitted moves the job group's committed offsets forward to these; returns those
   *     it moved, or {@link KafkaUnavailableException}
   */
  SavepointRecorder(
      Consumer<SavepointRecord> history,
      Supplier<Map<Integer, Long>> committedOffsets,
      Function<String, Optional<Map<Integer, Long>>> savedOffsets,
      UnaryOperator<Map<Integer, Long>> advanceCommitted) {
    this.history = history;
    this.committedOffsets = committedOffsets;
    this.savedOffsets = savedOffsets;
    this.advanceCommitted = advanceCommitted;
  }

  /**
   * Records the savepoint, with its offsets unless it has them already (unknown when Kafka does not
   * answer); returns once Kafka has it.
   *
   * @throws KafkaUnavailableException when the history cannot be written
   */
  public SavepointRecord record(SavepointRecord savepoint) {
    if (savepoint.transactionsOffsets() != null) {
      history.accept(savepoint);
      return savepoint;
    }
    boolean endedTheJob = savepoint.kind() != null && savepoint.kind().endsTheJob();
    Map<Integer, Long> saved = savedOffsets.apply(savepoint.path()).orElse(null);
    SavepointRecord complete =
        savepoint.withOffsets(
            saved != null
                ? saved
                : endedTheJob ? finalOffsets(savepoint.path()) : settledOffsets(savepoint.path()));
    history.accept(complete);
    if (endedTheJob && saved != null) {
      advanceGroup(savepoint, saved);
    }
    return complete;
  }

  private void advanceGroup(SavepointRecord savepoint, Map<Integer, Long> saved) {
    try {
      Map<Integer, Long> moved = advanceCommitted.apply(saved);
      if (!moved.isEmpty()) {
        log.info(
            "The fraud job's group moved forward to the offsets of savepoint {}, which ended job {}:"
                + " {}",
            savepoint.path(),
            savepoint.jobId(),
            new java.util.TreeMap<>(moved));
      }
    } catch (KafkaUnavailableException e) {
      log.warn(
          "The fraud job's group could not be moved to the offsets of savepoint {} ({}): a job"
              + " deployed without state would read again from its older offsets",
          savepoint.path(),
          e.getMessage());
    }
  }

  private Map<Integer, Long> finalOffsets(String path) {
    try {
      return knownOrNull(committedOffsets.get(), path);
    } catch (KafkaUnavailableException e) {
      log.warn("Offsets of savepoint {} unknown: {}", path, e.getMessage());
      return null;
    }
  }

  private Map<Integer, Long> settledOffsets(String path) {
    try {
      long deadline = System.nanoTime() + MAX_WAIT.toNanos();
      Map<Integer, Long> last = committedOffsets.get();
      long stableSince = System.nanoTime();
      // An empty answer is not an answer yet: the group may not be readable for a moment.
      while ((last.isEmpty() || System.nanoTime() - stableSince < SETTLE.toNanos())
          && System.nanoTime() < deadline) {
        Thread.sleep(POLL.toMillis());
        Map<Integer, Long> now = committedOffsets.get();
        if (!Objects.equals(now, last)) {
          last = now;
          stableSince = System.nanoTime();
        }
      }
      return knownOrNull(last, path);
    } catch (KafkaUnavailableException e) {
      log.warn("Offsets of savepoint {} unknown: {}", path, e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Offsets of savepoint {} unknown: interrupted", path);
      return null;
    }
  }

  private static Map<Integer, Long> knownOrNull(Map<Integer, Long> offsets, String path) {
    if (offsets.isEmpty()) {
      log.warn("Offsets of savepoint {} unknown: the job's group has no committed offsets", path);
      return null;
    }
    return offsets;
  }
}
