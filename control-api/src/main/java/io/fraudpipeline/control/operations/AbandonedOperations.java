package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Fails, from start-up and every {@code fraud.operations.abandoned-check-interval}, the operations
 * in progress whose replica stopped ({@link Operations#failLeftBehind}): a replica that crashes
 * while the others run would otherwise leave them in progress for good.
 */
@Component
class AbandonedOperations extends PeriodicLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AbandonedOperations.class);

  private final Operations operations;

  AbandonedOperations(Operations operations, OperationsProperties properties) {
    super("abandoned-operations", properties.abandonedCheckInterval(), Duration.ofSeconds(30));
    this.operations = operations;
  }

  @Override
  protected void poll() {
    try {
      operations.failLeftBehind();
    } catch (KafkaUnavailableException e) {
      if (!Thread.currentThread().isInterrupted()) {
        log.info("Looking for abandoned operations failed, trying again later: {}", e.getMessage());
      }
    } catch (RuntimeException e) {
      log.warn("Looking for abandoned operations failed", e);
    }
  }
}
