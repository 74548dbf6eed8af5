package io.fraudpipeline.control.topics;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code lag}: the fraud job's lag status from the poller's last sample. DOWN when
 * Kafka is unreachable or a partition is STALLED; {@value #DATA_LOSS} (a warning that answers 200,
 * see {@code management.endpoint.health.status}) while the group's committed offset is below a
 * partition's earliest offset; UP when OK or LAGGING (still consuming, the detail says which) or
 * UNKNOWN (no committed offset, or the window not covered yet).
 */
@Component("lagHealthIndicator")
class LagHealthIndicator implements HealthIndicator {

  static final String DATA_LOSS = "DATA_LOSS";

  private final OffsetsPoller poller;

  LagHealthIndicator(OffsetsPoller poller) {
    this.poller = poller;
  }

  @Override
  public Health health() {
    OffsetsObservation observation = poller.current();
    if (!observation.kafkaReachable()) {
      Health.Builder down =
          Health.down()
              .withDetail("error", observation.error())
              .withDetail("observed_at", observation.observedAt().toString());
      if (observation.lastReachableAt() != null) {
        down.withDetail("last_reachable_at", observation.lastReachableAt().toString());
      }
      return down.build();
    }
    ConsumerLag lag = observation.lag();
    boolean stalled = lag.partitions().stream().anyMatch(p -> p.status() == LagStatus.STALLED);
    Health.Builder health =
        stalled
            ? Health.down()
            : lag.status() == LagStatus.DATA_LOSS ? Health.status(DATA_LOSS) : Health.up();
    health
        .withDetail("status", lag.status().name())
        .withDetail("group_id", lag.groupId())
        .withDetail("topic", lag.topic())
        .withDetail("lag_records", lag.lagRecords())
        .withDetail("records_lost", lag.recordsLost())
        .withDetail("observed_at", observation.observedAt().toString());
    if (lag.lagSeconds() != null) {
      health.withDetail("lag_seconds", lag.lagSeconds());
    }
    return health.build();
  }
}
