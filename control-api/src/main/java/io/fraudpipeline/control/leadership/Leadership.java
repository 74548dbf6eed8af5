package io.fraudpipeline.control.leadership;

import java.util.Optional;
import java.util.Set;

/**
 * Which control-plane replica may act on Flink. Every replica serves reads and takes writes
 * (desired-state records); only the leader reconciles. A replica asks before every step, and a step
 * it takes carries the {@link #epoch()} it was decided under. A change is also published as a
 * {@link LeadershipChange} application event (to wake a reconciler at once), but only asking is
 * safe: a lease that runs out while the replica is frozen is not announced.
 */
public interface Leadership {

  /** This replica's id (stable for the life of the process, unique among replicas). */
  String replicaId();

  /** Whether this replica holds the leadership now, as far as it knows. */
  boolean isLeader();

  /**
   * A number that grows each time the leadership changes hands (e.g. the Kafka group generation);
   * meaningful only while {@link #isLeader()}. Not durable: after every replica has left the
   * election it may start again (docs/operations.md, the fencing story), so it tells terms apart
   * within one run of the election, never across runs.
   */
  long epoch();

  /** The replica that leads, when known (this one or another). */
  Optional<String> leaderId();

  /**
   * The ids of the replicas taking part in the election now (this one included once it joined), as
   * last learnt; empty when unknown (Kafka unreachable, not asked yet). A replica that stopped or
   * crashed leaves it within a session timeout.
   */
  Optional<Set<String>> replicas();
}
