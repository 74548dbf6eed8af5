package io.fraudpipeline.control.leadership;

import java.time.Instant;

/**
 * This replica started or stopped leading. Published as a Spring application event too, so a
 * reconciler can wake up at once instead of at its next tick; it must still ask {@link
 * Leadership#isLeader()} before each step, since a lease that runs out while the replica is frozen
 * is noticed only by asking.
 *
 * @param replicaId this replica
 * @param leader whether it leads from now on
 * @param epoch the epoch of the leadership gained or given up
 * @param at when the change was noticed
 * @param resigned whether it stopped leading because it resigned (a shutdown), not because it lost
 *     the lease or the group's partition
 */
public record LeadershipChange(
    String replicaId, boolean leader, long epoch, Instant at, boolean resigned) {}
