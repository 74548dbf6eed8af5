package io.fraudpipeline.control.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.operations.OperationOutcomes.Completed;
import io.fraudpipeline.control.operations.OperationOutcomes.Failed;
import io.fraudpipeline.control.operations.OperationOutcomes.Outcome;
import io.fraudpipeline.control.operations.OperationOutcomes.UnderWay;
import io.fraudpipeline.control.support.MutableClock;
import io.fraudpipeline.control.support.TestLeadership;
import io.fraudpipeline.model.FraudJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An operation whose replica stopped while its work went on without it (on the leader's reconciler)
 * ends as that work did, as far as an {@link OperationOutcomes} tells, instead of failing as
 * interrupted. On a store in memory: milliseconds.
 */
class AbandonedOperationOutcomesTest {

  private static final Instant START = Instant.parse("2026-12-07T03:00:00Z");

  private final MutableClock clock = new MutableClock(START);

  /** What the outcome source answers now; empty: it does not know. */
  private volatile Optional<Outcome> outcome = Optional.empty();

  private final OperationOutcomes source = abandoned -> outcome;

  /** The leader; the owner, cp-b, has left the group. */
  private final InMemoryOperations leader =
      new InMemoryOperations(
          new TestLeadership("cp-a", true, Optional.of(Set.of("cp-a"))),
          clock,
          Duration.ZERO,
          List.of(source));

  @AfterEach
  void close() {
    leader.close();
  }

  @Test
  void anOperationWhoseWorkWasDoneWithoutItsReplicaEndsCompletedWithWhatItsBodyWouldHaveReported() {
    Operation left = leftBy("cp-b");
    clock.advance(Duration.ofSeconds(30));
    outcome = Optional.of(new Completed("job-2", "file:/savepoints/sp-9"));

    leader.operations().failLeftBehind();

    Operation ended = leader.recorded(left.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo("job-2");
    assertThat(ended.savepointPath()).isEqualTo("file:/savepoints/sp-9");
    assertThat(ended.failureCause()).isNull();
    assertThat(ended.completedAt()).isEqualTo(clock.instant());
    assertThat(leader.operations().find(left.id())).contains(ended);
    assertThat(leader.operations().failLeftBehind()).as("ended once").isEmpty();
  }

  @Test
  void anOperationWhoseWorkFailedWithoutItsReplicaFailsWithTheWorksOwnReason() {
    Operation left = leftBy("cp-b");
    outcome = Optional.of(new Failed("Upgrade to jar bbb rolled back: not ready within PT3M"));

    leader.operations().failLeftBehind();

    Operation ended = leader.recorded(left.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .isEqualTo("Upgrade to jar bbb rolled back: not ready within PT3M");
  }

  @Test
  void anOperationWhoseWorkIsUnderWayStaysInProgressUntilItsDeadlineThenFailsAsInterrupted() {
    Operation left = leftBy("cp-b");
    outcome = Optional.of(new UnderWay("the upgrade to jar bbb was AWAITING_READINESS"));

    assertThat(leader.operations().failLeftBehind()).isEmpty();
    assertThat(leader.recorded(left.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);

    clock.advance(Duration.ofSeconds(60));
    leader.operations().failLeftBehind();

    Operation ended = leader.recorded(left.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .startsWith(AbandonedOperationSettler.interrupted("cp-b"))
        .endsWith("By its deadline, the upgrade to jar bbb was AWAITING_READINESS");
  }

  @Test
  void anOperationWhoseOutcomeCannotBeLearntYetIsAskedAboutAgainLater() {
    Operation left = leftBy("cp-b");
    OperationOutcomes throwing =
        abandoned -> {
          throw new IllegalStateException("Kafka is down");
        };
    InMemoryOperations unsure =
        new InMemoryOperations(
            new TestLeadership("cp-c", true, Optional.of(Set.of("cp-c"))),
            clock,
            Duration.ZERO,
            List.of(throwing));
    unsure.record(left);

    assertThat(unsure.operations().failLeftBehind()).isEmpty();
    assertThat(unsure.recorded(left.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);
    unsure.close();
  }

  @Test
  void aReplicaBackUnderItsOwnIdLeavesItsOperationUnderWayInProgressAndEndsItOnceDone() {
    String id = "cp-b";
    Operation left = InMemoryOperations.inProgress(OperationKind.UPGRADE, id, START, 7L);
    outcome = Optional.of(new UnderWay("the upgrade to jar bbb was REPLACING"));
    InMemoryOperations back =
        new InMemoryOperations(
            new TestLeadership(id, false, Optional.of(Set.of(id, "cp-a"))),
            clock,
            Duration.ZERO,
            List.of(source));
    back.record(left);

    Operation loaded = back.operations().find(left.id()).orElseThrow();
    assertThat(loaded.state()).isEqualTo(OperationState.IN_PROGRESS);
    // Its id, but not run by this process: it is still ended by the look for abandoned ones.
    assertThat(back.operations().runsHere(left.id())).isFalse();

    outcome = Optional.of(new Completed("job-3", null));
    assertThat(back.operations().failLeftBehind()).extracting(Operation::id).contains(left.id());
    assertThat(back.recorded(left.id()).orElseThrow().state()).isEqualTo(OperationState.COMPLETED);
    back.close();
  }

  @Test
  void anOperationRecordedBeforeTheDesiredVersionWasReadsWithoutOneAndWritesItOnceKnown() {
    // As the operations topic holds it from earlier releases: no desired_version member.
    String old =
        "{\"id\": \"op-1\", \"kind\": \"UPGRADE\", \"job_id\": \"job-1\", \"state\":"
            + " \"IN_PROGRESS\", \"created_at\": \"2026-12-07T03:00:00Z\", \"deadline\":"
            + " \"2026-12-07T03:01:00Z\", \"replica\": \"cp-b\"}";

    Operation read = FraudJson.mapper().readValue(old, Operation.class);

    assertThat(read.desiredVersion()).isNull();
    assertThat(read.replica()).isEqualTo("cp-b");
    Operation versioned = InMemoryOperations.inProgress(OperationKind.UPGRADE, "cp-b", START, 7L);
    assertThat(
            FraudJson.mapper()
                .readValue(FraudJson.mapper().writeValueAsString(versioned), Operation.class))
        .isEqualTo(versioned);
  }

  /** An upgrade {@code replica} accepted at the start and left in progress (a minute to run). */
  private Operation leftBy(String replica) {
    Operation left = InMemoryOperations.inProgress(OperationKind.UPGRADE, replica, START, 7L);
    leader.record(left);
    return left;
  }
}
