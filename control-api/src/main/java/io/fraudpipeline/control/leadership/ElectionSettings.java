package io.fraudpipeline.control.leadership;

import java.time.Duration;

/**
 * What one {@link KafkaLeaderElection} needs besides its Kafka clients.
 *
 * @param topic the one-partition topic whose partition 0 makes its holder the leader
 * @param groupId the consumer group all replicas join
 * @param replicaId this replica's id (also its Kafka client id, so others can name it)
 * @param sessionTimeout the group session timeout: a crashed leader is replaced after about this
 * @param leaseMargin how much sooner than the coordinator the replica gives up on its own
 * @param replicationFactor replication factor of the topic if it has to be created
 */
record ElectionSettings(
    String topic,
    String groupId,
    String replicaId,
    Duration sessionTimeout,
    Duration leaseMargin,
    short replicationFactor) {

  ElectionSettings {
    if (leaseMargin.compareTo(sessionTimeout) >= 0) {
      throw new IllegalArgumentException(
          "the lease margin (" + leaseMargin + ") must be shorter than the session timeout");
    }
  }

  /** How often the consumer heartbeats: a third of the session, as Kafka recommends. */
  Duration heartbeatInterval() {
    return sessionTimeout.dividedBy(3);
  }

  /** How long a renewal of the local lease holds. */
  Duration leaseValidity() {
    return sessionTimeout.minus(leaseMargin);
  }
}
