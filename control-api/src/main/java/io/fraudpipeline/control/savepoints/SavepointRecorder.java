package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Writes a completed savepoint to the history together with the {@code transactions} offsets it
 * resumes from. The job commits its source offsets to its consumer group when Flink tells it a
 * checkpoint or savepoint completed, asynchronously and a moment after Flink reports the savepoint
 * complete. Of a job that goes on running, the offsets are read until they have not moved for
 * {@link #SETTLE}, within {@link #MAX_WAIT}; a checkpoint completing within that moment would make
 * them a little newer than the savepoint's: keep the checkpoint interval well above it. Of a job
 * the savepoint stopped ({@link SavepointRecord.Kind#endsTheJob()}), recorded once the job ended,
 * they are read once: its Kafka consumer was closed with it, and a closing consumer finishes its
 * pending commits first, so nothing moves them any more (waiting for them to settle added a second
 * to every stop, docs/benchmarks.md scenario 5).
 */
@Component
public class SavepointRecorder {

  static final Duration SETTLE = Duration.ofSeconds(1);
  static final Duration MAX_WAIT = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Logger log = LoggerFactory.getLogger(SavepointRecorder.class);

  private final Consumer<SavepointRecord> history;
  private final Supplier<Map<Integer, Long>> committedOffsets;

  @Autowired
  public SavepointRecorder(SavepointHistory history, Restorability restorability) {
    this(history::append, restorability::committedOffsets);
  }

  /**
   * @param history appends a record; returns once Kafka has it
   * @param committedOffsets the job group's committed {@code transactions} offsets by partition
   *     (empty when it has none), or {@link KafkaUnavailableException}
   */
  SavepointRecorder(
      Consumer<SavepointRecord> history, Supplier<Map<Integer, Long>> committedOffsets) {
    this.history = history;
    this.committedOffsets = committedOffsets;
  }

  /**
   * Records the savepoint, with its offsets unless it has them already (unknown when Kafka does not
   * answer); returns once Kafka has it.
   *
   * @throws KafkaUnavailableException when the history cannot be written
   */
  public SavepointRecord record(SavepointRecord savepoint) {
    SavepointRecord complete =
        savepoint.transactionsOffsets() != null
            ? savepoint
            : savepoint.withOffsets(
                savepoint.kind() != null && savepoint.kind().endsTheJob()
                    ? finalOffsets(savepoint.path())
                    : settledOffsets(savepoint.path()));
    history.accept(complete);
    return complete;
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
