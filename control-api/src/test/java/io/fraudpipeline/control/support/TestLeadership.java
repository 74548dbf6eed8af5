package io.fraudpipeline.control.support;

import io.fraudpipeline.control.leadership.Leadership;
import java.util.Optional;
import java.util.Set;

/** One replica's view of the election, as a test sets it. */
public final class TestLeadership implements Leadership {

  private final String id;
  public volatile boolean leader;
  public volatile Optional<Set<String>> replicas;

  /** The term: a test that has this replica lead again after another raises it. */
  public volatile long epoch = 1;

  /** The leader, alone in its group. */
  public TestLeadership() {
    this("replica-test", true, Optional.of(Set.of("replica-test")));
  }

  public TestLeadership(String id, boolean leader, Optional<Set<String>> replicas) {
    this.id = id;
    this.leader = leader;
    this.replicas = replicas;
  }

  /** A replica alone in its group, so leading it. */
  public static TestLeadership alone(String id) {
    return new TestLeadership(id, true, Optional.of(Set.of(id)));
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
    return epoch;
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
