package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.leadership.LeadershipChange;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells when this replica starts or stops reconciling. An election is routine (every start of a
 * replica, every hand-over), and so is a leader resigning as it shuts down: normal events, so
 * webhooks of warnings do not page for a planned restart. Losing the leadership otherwise (the
 * lease ran out, Kafka gave the partition away) is a warning: the pipeline's leader stopped acting
 * on Flink without choosing to.
 */
@Component
class LeadershipEvents {

  private final EventRecorder events;

  LeadershipEvents(EventRecorder events) {
    this.events = events;
  }

  @EventListener
  void onChange(LeadershipChange change) {
    if (change.leader()) {
      events.normal(
          EventReason.LEADER_ELECTED,
          "Replica " + change.replicaId() + " leads (epoch " + change.epoch() + "): it reconciles",
          null);
    } else if (change.resigned()) {
      events.normal(
          EventReason.LEADER_LOST,
          "Replica "
              + change.replicaId()
              + " resigned the leadership (epoch "
              + change.epoch()
              + "), shutting down: another replica takes over",
          null);
    } else {
      events.warning(
          EventReason.LEADER_LOST,
          "Replica "
              + change.replicaId()
              + " no longer leads (epoch "
              + change.epoch()
              + "): it stops acting on Flink",
          null);
    }
  }
}
