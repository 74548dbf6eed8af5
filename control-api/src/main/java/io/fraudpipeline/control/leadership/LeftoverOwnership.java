package io.fraudpipeline.control.leadership;

import java.util.Optional;
import java.util.Set;

/**
 * Which replica acts on what another replica left behind (an operation still recorded in progress,
 * a backtest's Flink job or output topic), so that at most one does and never one whose owner still
 * watches it. Work in progress is watched only by the replica that started it (it lives in that
 * replica's memory), so: its owner, if it no longer runs it (an earlier process with the same
 * replica id, or leftovers of one that ended); else the leader, once the owner has left the
 * election (stopped or crashed) or when no owner is recorded. While the replicas in the election
 * are unknown, a named owner is assumed alive.
 *
 * @param self this replica's id
 * @param leader whether this replica leads
 * @param replicas the replicas in the election now; empty when unknown
 */
public record LeftoverOwnership(String self, boolean leader, Optional<Set<String>> replicas) {

  /** The rule as this replica stands now. */
  public static LeftoverOwnership of(Leadership leadership) {
    return new LeftoverOwnership(
        leadership.replicaId(), leadership.isLeader(), leadership.replicas());
  }

  /**
   * @param runsHere whether the work runs in this replica now
   * @param owner the replica that recorded it; null when there is no record, or an old one
   */
  public boolean cleansUp(boolean runsHere, String owner) {
    if (runsHere) {
      return false;
    }
    if (self.equals(owner)) {
      return true;
    }
    if (owner != null && replicas.map(live -> live.contains(owner)).orElse(true)) {
      return false;
    }
    return leader;
  }
}
