package io.fraudpipeline.control.leadership;

import java.time.Duration;
import java.time.Instant;

/**
 * This replica's view of the leadership, as {@code GET /api/v1/leadership} and the {@code
 * leadership} health component show it.
 *
 * @param replicaId this replica
 * @param leader whether this replica leads now
 * @param leaderId the replica that leads, when known (this one or another)
 * @param epoch the epoch of this replica's leadership; absent while it does not lead
 * @param since when this replica last started or stopped leading
 * @param groupId the Kafka consumer group of the election
 * @param member whether this replica is a member of the group now: it has joined, and the group
 *     coordinator answered its join or accepted a heartbeat within the last session timeout (false:
 *     joining, Kafka unreachable, or its election stalled)
 * @param problem why it is not a member, when it is not
 * @param leaseRemaining how long this replica may still act without hearing from Kafka; absent
 *     while it does not lead
 */
public record LeadershipStatus(
    String replicaId,
    boolean leader,
    String leaderId,
    Long epoch,
    Instant since,
    String groupId,
    boolean member,
    String problem,
    Duration leaseRemaining) {}
