package io.fraudpipeline.control.leadership;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code leadership}: who leads, from this replica's view. Always UP: a follower
 * is healthy (it serves reads and takes writes), and a replica that cannot reach Kafka is already
 * DOWN through the {@code kafka} component; failing this one too would take a replica that can
 * still serve reads out of a load balancer for no gain. The details say when it is not a member.
 */
@Component("leadership")
class LeadershipHealthIndicator implements HealthIndicator {

  private final KafkaLeaderElection election;

  LeadershipHealthIndicator(KafkaLeaderElection election) {
    this.election = election;
  }

  @Override
  public Health health() {
    LeadershipStatus status = election.status();
    Health.Builder health =
        Health.up()
            .withDetail("replica_id", status.replicaId())
            .withDetail("leader", status.leader())
            .withDetail("member", status.member())
            .withDetail("group_id", status.groupId())
            .withDetail("since", status.since().toString());
    if (status.leaderId() != null) {
      health.withDetail("leader_id", status.leaderId());
    }
    if (status.epoch() != null) {
      health.withDetail("epoch", status.epoch());
    }
    if (status.problem() != null) {
      health.withDetail("problem", status.problem());
    }
    return health.build();
  }
}
