package io.fraudpipeline.control.topics;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code lag}: the fraud job's lag status from the poller's last sample. DOWN when
 * Kafka is unreachable or the group is STALLED; UP when OK or LAGGING (still consuming, the detail
 * says which); UNKNOWN without a committed offset or before the window is covered.
 */
@Component("lagHealthIndicator")
class LagHealthIndicator implements HealthIndicator {

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
    Health.Builder health =
        switch (lag.status()) {
          case OK, LAGGING, UNKNOWN -> Health.up();
          case STALLED -> Health.down();
        };
    health
        .withDetail("status", lag.status().name())
        .withDetail("group_id", lag.groupId())
        .withDetail("topic", lag.topic())
        .withDetail("lag_records", lag.lagRecords())
        .withDetail("observed_at", observation.observedAt().toString());
    if (lag.lagSeconds() != null) {
      health.withDetail("lag_seconds", lag.lagSeconds());
    }
    return health.build();
  }
}
