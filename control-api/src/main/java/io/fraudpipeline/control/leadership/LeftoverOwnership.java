package io.fraudpipeline.control.leadership;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which replica acts on what another replica left behind (an operation still recorded in progress,
 * a backtest's Flink job or output topic), so that at most one does and never one whose owner still
 * watches it. Work in progress is watched only by the replica that started it (it lives in that
 * replica's memory), so: its owner, if it no longer runs it (an earlier process with the same
 * replica id, or leftovers of one that ended); else the leader, once the owner has left the
 * election (stopped or crashed) or when no owner is recorded, and only once the work is older than
 * a grace: a replica that has just started may take requests before it has joined the election, and
 * the others learn the members only every heartbeat. While the replicas in the election are
 * unknown, a named owner is assumed alive.
 *
 * @param self this replica's id
 * @param leader whether this replica leads
 * @param replicas the replicas in the election now; empty when unknown
 * @param now the time the rule is applied at
 * @param grace how old the leader needs work of a replica missing from the election (or of none
 *     recorded) to be before it acts on it ({@code fraud.operations.abandoned-grace})
 */
public record LeftoverOwnership(
    String self, boolean leader, Optional<Set<String>> replicas, Instant now, Duration grace) {

  /** The rule as this replica stands now. */
  public static LeftoverOwnership of(Leadership leadership, Instant now, Duration grace) {
    return new LeftoverOwnership(
        leadership.replicaId(), leadership.isLeader(), leadership.replicas(), now, grace);
  }

  /**
   * @param runsHere whether the work runs in this replica now
   * @param owner the replica that recorded it; null when there is no record, or an old one
   * @param since when the work began, or the latest its owner may have begun it: the grace runs
   *     from then
   */
  public boolean cleansUp(boolean runsHere, String owner, Instant since) {
    if (runsHere) {
      return false;
    }
    if (self.equals(owner)) {
      return true;
    }
    if (owner != null && replicas.map(live -> live.contains(owner)).orElse(true)) {
      return false;
    }
    return leader && !now.isBefore(since.plus(grace));
  }
}
