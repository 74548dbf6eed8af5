package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.leadership.Leadership;
import java.util.Optional;
import java.util.Set;

/** One replica's view of the election, as a test sets it. */
final class TestReplica implements Leadership {

  private final String id;
  volatile boolean leader;
  volatile Optional<Set<String>> replicas;

  TestReplica(String id, boolean leader, Optional<Set<String>> replicas) {
    this.id = id;
    this.leader = leader;
    this.replicas = replicas;
  }

  /** A replica alone in its group, so leading it. */
  static TestReplica alone(String id) {
    return new TestReplica(id, true, Optional.of(Set.of(id)));
  }

  @Override
  public String replicaId() {
    return id;
  }

  @Override
  public boolean isLeader() {
    return leader;
  }

  @Override
  public long epoch() {
    return 1;
  }

  @Override
  public Optional<String> leaderId() {
    return leader ? Optional.of(id) : Optional.empty();
  }

  @Override
  public Optional<Set<String>> replicas() {
    return replicas;
  }
}
