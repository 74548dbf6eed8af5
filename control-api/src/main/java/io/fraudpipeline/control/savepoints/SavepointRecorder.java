package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a completed savepoint to the history together with the {@code transactions} offsets it
 * resumes from. The job commits its source offsets to its consumer group when Flink tells it a
 * checkpoint or savepoint completed, asynchronously and a moment after Flink reports the savepoint
 * complete (also for a stop with savepoint, where the commit races the end of the job); so the
 * offsets are read until they have not moved for {@link #SETTLE}, within {@link #MAX_WAIT}. A
 * checkpoint completing within that moment would make them a little newer than the savepoint's:
 * keep the checkpoint interval well above it.
 */
@Component
public class SavepointRecorder {

  static final Duration SETTLE = Duration.ofSeconds(1);
  static final Duration MAX_WAIT = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Logger log = LoggerFactory.getLogger(SavepointRecorder.class);

  private final SavepointHistory history;
  private final Restorability restorability;

  public SavepointRecorder(SavepointHistory history, Restorability restorability) {
    this.history = history;
    this.restorability = restorability;
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
            : savepoint.withOffsets(settledOffsets(savepoint.path()));
    history.append(complete);
    return complete;
  }

  private Map<Integer, Long> settledOffsets(String path) {
    try {
      long deadline = System.nanoTime() + MAX_WAIT.toNanos();
      Map<Integer, Long> last = restorability.committedOffsets();
      long stableSince = System.nanoTime();
      // An empty answer is not an answer yet: the group may not be readable for a moment.
      while ((last.isEmpty() || System.nanoTime() - stableSince < SETTLE.toNanos())
          && System.nanoTime() < deadline) {
        Thread.sleep(POLL.toMillis());
        Map<Integer, Long> now = restorability.committedOffsets();
        if (!Objects.equals(now, last)) {
          last = now;
          stableSince = System.nanoTime();
        }
      }
      if (last.isEmpty()) {
        log.warn("Offsets of savepoint {} unknown: the job's group has no committed offsets", path);
        return null;
      }
      return last;
    } catch (KafkaUnavailableException e) {
      log.warn("Offsets of savepoint {} unknown: {}", path, e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Offsets of savepoint {} unknown: interrupted", path);
      return null;
    }
  }
}
