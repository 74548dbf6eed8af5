package io.fraudpipeline.control.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which replica cleans up after a backtest: at most one, never under a live owner. */
class LeftoverOwnershipTest {

  private static final Optional<Set<String>> A_AND_B = Optional.of(Set.of("a", "b"));
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(30);

  /** Work begun long before the grace, so only who acts is in question. */
  private static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));

  @Test
  void aBacktestThatRunsHereIsNeverCleanedUp() {
    assertThat(rule("a", true, A_AND_B).cleansUp(true, "a", LONG_AGO)).isFalse();
  }

  @Test
  void theOwnerCleansUpWhatItNoLongerRunsLeaderOrNot() {
    // An earlier process with the same replica id, or leftovers of a backtest that ended.
    assertThat(rule("a", false, A_AND_B).cleansUp(false, "a", LONG_AGO)).isTrue();
    assertThat(rule("a", true, A_AND_B).cleansUp(false, "a", LONG_AGO)).isTrue();
  }

  @Test
  void aBacktestOfAnotherLiveReplicaIsLeftToIt() {
    assertThat(rule("a", true, A_AND_B).cleansUp(false, "b", LONG_AGO)).isFalse();
    assertThat(rule("a", false, A_AND_B).cleansUp(false, "b", LONG_AGO)).isFalse();
  }

  @Test
  void onlyTheLeaderCleansUpAfterAReplicaThatLeftTheElection() {
    Optional<Set<String>> onlyA = Optional.of(Set.of("a"));
    assertThat(rule("a", true, onlyA).cleansUp(false, "gone", LONG_AGO)).isTrue();
    assertThat(rule("b", false, A_AND_B).cleansUp(false, "gone", LONG_AGO)).isFalse();
  }

  @Test
  void whileTheReplicasAreUnknownANamedOwnerIsAssumedAlive() {
    assertThat(rule("a", true, Optional.empty()).cleansUp(false, "b", LONG_AGO)).isFalse();
  }

  @Test
  void onlyTheLeaderCleansUpAfterABacktestWithNoRecordedOwner() {
    assertThat(rule("a", true, Optional.empty()).cleansUp(false, null, LONG_AGO)).isTrue();
    assertThat(rule("a", false, A_AND_B).cleansUp(false, null, LONG_AGO)).isFalse();
  }

  @Test
  void theLeaderLeavesWorkOfAReplicaMissingFromTheElectionUntilItIsOlderThanTheGrace() {
    // The owner may have started it before joining: the leader has not seen it in the group yet.
    LeftoverOwnership leader = rule("a", true, Optional.of(Set.of("a")));
    assertThat(leader.cleansUp(false, "new", NOW.minus(GRACE).plusMillis(1))).isFalse();
    assertThat(leader.cleansUp(false, null, NOW.minus(GRACE).plusMillis(1))).isFalse();
    assertThat(leader.cleansUp(false, "new", NOW.minus(GRACE))).isTrue();
    assertThat(leader.cleansUp(false, null, NOW.minus(GRACE))).isTrue();
  }

  @Test
  void theOwnerBackUnderItsOwnIdCleansUpWhatItLeftAtOnce() {
    assertThat(rule("a", false, A_AND_B).cleansUp(false, "a", NOW)).isTrue();
  }

  private static LeftoverOwnership rule(
      String self, boolean leader, Optional<Set<String>> replicas) {
    return new LeftoverOwnership(self, leader, replicas, NOW, GRACE);
  }
}
