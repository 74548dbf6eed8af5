package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.leadership.LeadershipChange;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells when this replica starts or stops reconciling. An election is routine (every start of a
 * replica, every hand-over), so a normal event: webhooks of warnings do not page for it. Losing the
 * leadership stays a warning: the pipeline's leader stops acting on Flink.
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
