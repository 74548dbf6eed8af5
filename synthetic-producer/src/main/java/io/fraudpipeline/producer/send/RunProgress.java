package io.fraudpipeline.producer.send;

import io.fraudpipeline.producer.generate.Label;
import java.time.Duration;
import java.util.Map;

/**
 * An immutable snapshot of a run.
 *
 * @param state where the run is
 * @param sent records handed to the Kafka producer
 * @param acknowledged records the broker acknowledged (written with {@code acks=all})
 * @param failed records Kafka reported as failed; never retried by the run, never dropped silently
 * @param currentRate acknowledged records per second over the last second or so
 * @param elapsed time since the run started, frozen when it ends (once every record is acknowledged
 *     or failed, before the Kafka producer is closed)
 * @param lastError the latest failure, or null
 * @param sentByLabel records sent per {@link Label}; labels with none are absent
 */
public record RunProgress(
    RunState state,
    long sent,
    long acknowledged,
    long failed,
    double currentRate,
    Duration elapsed,
    String lastError,
    Map<Label, Long> sentByLabel) {

  public RunProgress {
    sentByLabel = Map.copyOf(sentByLabel);
  }

  /** Records sent but neither acknowledged nor failed yet. */
  public long inFlight() {
    return sent - acknowledged - failed;
  }

  /** Acknowledged records per second over the whole run so far. */
  public double averageRate() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? acknowledged / seconds : 0.0;
  }

  /** Records sent with this label. */
  public long sent(Label label) {
    return sentByLabel.getOrDefault(label, 0L);
  }

  /** The run has ended without error and the broker acknowledged every record it sent. */
  public boolean allAcknowledged() {
    return (state == RunState.COMPLETED || state == RunState.STOPPED)
        && failed == 0
        && acknowledged == sent;
  }
}
