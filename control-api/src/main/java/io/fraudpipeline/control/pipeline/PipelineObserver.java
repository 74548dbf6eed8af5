package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.savepoints.SavepointHistory;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one reconciliation sees: the jobs of a fresh observation of Flink ({@link
 * FlinkService#fraudJobs()}: the one observer's, which also serves the reads, health and metrics)
 * and the newest savepoint of the history. Decides nothing.
 */
public class PipelineObserver {

  private static final Logger log = LoggerFactory.getLogger(PipelineObserver.class);

  private final FlinkService flink;
  private final Supplier<SavepointRecord> latestSavepoint;
  private final Clock clock;

  PipelineObserver(FlinkService flink, Supplier<SavepointRecord> latestSavepoint, Clock clock) {
    this.flink = flink;
    this.latestSavepoint = latestSavepoint;
    this.clock = clock;
  }

  static PipelineObserver of(FlinkService flink, SavepointHistory history, Clock clock) {
    return new PipelineObserver(
        flink,
        () -> {
          try {
            return history.latest().orElse(null);
          } catch (KafkaUnavailableException e) {
            log.debug("Savepoint history unreadable: {}", e.getMessage());
            return null;
          }
        },
        clock);
  }

  public ObservedPipeline observe() {
    try {
      return new ObservedPipeline(
          clock.instant(), true, null, flink.fraudJobs(), latestSavepoint.get());
    } catch (FlinkUnavailableException | FlinkRequestException e) {
      return ObservedPipeline.unreachable(clock.instant(), e.getMessage());
    }
  }
}
