package io.fraudpipeline.control.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which replica cleans up after a backtest: at most one, never under a live owner. */
class LeftoverOwnershipTest {

  private static final Optional<Set<String>> A_AND_B = Optional.of(Set.of("a", "b"));

  @Test
  void aBacktestThatRunsHereIsNeverCleanedUp() {
    assertThat(new LeftoverOwnership("a", true, A_AND_B).cleansUp(true, "a")).isFalse();
  }

  @Test
  void theOwnerCleansUpWhatItNoLongerRunsLeaderOrNot() {
    // An earlier process with the same replica id, or leftovers of a backtest that ended.
    assertThat(new LeftoverOwnership("a", false, A_AND_B).cleansUp(false, "a")).isTrue();
    assertThat(new LeftoverOwnership("a", true, A_AND_B).cleansUp(false, "a")).isTrue();
  }

  @Test
  void aBacktestOfAnotherLiveReplicaIsLeftToIt() {
    assertThat(new LeftoverOwnership("a", true, A_AND_B).cleansUp(false, "b")).isFalse();
    assertThat(new LeftoverOwnership("a", false, A_AND_B).cleansUp(false, "b")).isFalse();
  }

  @Test
  void onlyTheLeaderCleansUpAfterAReplicaThatLeftTheElection() {
    Optional<Set<String>> onlyA = Optional.of(Set.of("a"));
    assertThat(new LeftoverOwnership("a", true, onlyA).cleansUp(false, "gone")).isTrue();
    assertThat(
            new LeftoverOwnership("b", false, Optional.of(Set.of("a", "b")))
                .cleansUp(false, "gone"))
        .isFalse();
  }

  @Test
  void whileTheReplicasAreUnknownANamedOwnerIsAssumedAlive() {
    assertThat(new LeftoverOwnership("a", true, Optional.empty()).cleansUp(false, "b")).isFalse();
  }

  @Test
  void onlyTheLeaderCleansUpAfterABacktestWithNoRecordedOwner() {
    assertThat(new LeftoverOwnership("a", true, Optional.empty()).cleansUp(false, null)).isTrue();
    assertThat(new LeftoverOwnership("a", false, A_AND_B).cleansUp(false, null)).isFalse();
  }
}
