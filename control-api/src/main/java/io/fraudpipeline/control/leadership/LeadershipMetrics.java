package io.fraudpipeline.control.leadership;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code fraud.leadership.leader} (1 while this replica leads) and {@code fraud.leadership.changes}
 * (times this replica started or stopped leading). Summed over replicas, the gauge is 1 in a
 * healthy control plane; 0 for longer than a session timeout means no leader.
 */
@Component
class LeadershipMetrics {

  private final Counter changes;

  LeadershipMetrics(MeterRegistry registry, KafkaLeaderElection election) {
    Gauge.builder("fraud.leadership.leader", election, e -> e.isLeader() ? 1 : 0)
        .description("1 while this control-plane replica leads (reconciles), else 0")
        .register(registry);
    this.changes =
        Counter.builder("fraud.leadership.changes")
            .description("Times this replica started or stopped leading")
            .register(registry);
  }

  @EventListener
  void onChange(LeadershipChange change) {
    changes.increment();
  }
}
