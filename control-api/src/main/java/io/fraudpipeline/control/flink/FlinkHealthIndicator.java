package io.fraudpipeline.control.flink;

import io.fraudpipeline.flink.ClusterOverview;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code flink}: the JobManager answers, with its TaskManagers and free slots.
 * Asked live (one small call), so health never reports a stale "up". A cluster without TaskManagers
 * is DOWN, since no job can run there, unless Flink starts them on demand ({@code
 * fraud.flink.slots-on-demand}). The call is bounded by {@code fraud.flink.health-timeout}, not the
 * request timeout: a hung JobManager is then a DOWN answered in time, not a health check that times
 * out itself.
 */
@Component("flink")
class FlinkHealthIndicator implements HealthIndicator {

  private final FlinkRestClient flink;
  private final boolean slotsOnDemand;
  private final Duration timeout;

  FlinkHealthIndicator(FlinkRestClient flink, FreeSlots freeSlots, FlinkProperties properties) {
    this.flink = flink;
    this.slotsOnDemand = freeSlots.onDemand();
    this.timeout = properties.healthTimeout();
  }

  @Override
  public Health health() {
    try {
      ClusterOverview cluster = flink.clusterOverview(timeout);
      Health.Builder health =
          cluster.taskManagers() > 0 || slotsOnDemand ? Health.up() : Health.down();
      return health
          .withDetail("rest_url", flink.restUrl())
          .withDetail("flink_version", cluster.flinkVersion())
          .withDetail("task_managers", cluster.taskManagers())
          .withDetail("slots_total", cluster.slotsTotal())
          .withDetail("slots_available", cluster.slotsAvailable())
          .withDetail("slots_on_demand", slotsOnDemand)
          .build();
    } catch (FlinkUnavailableException | FlinkRequestException e) {
      return Health.down()
          .withDetail("rest_url", flink.restUrl())
          .withDetail("error", e.getMessage())
          .build();
    }
  }
}
