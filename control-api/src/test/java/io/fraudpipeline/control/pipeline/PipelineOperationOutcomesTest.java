package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.support.MutableClock;
import io.fraudpipeline.control.support.TestLeadership;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upgrade, stop, cancel and rescale operations of a replica killed mid-way (cp-b), ended by the
 * leader (cp-a) as the work the reconciler carried on with ended: the reconciler's status and Flink
 * as they would stand then, the operations on a store in memory. Milliseconds.
 */
class PipelineOperationOutcomesTest {

  private static final Instant START = Instant.parse("2026-12-07T03:00:00Z");
  private static final String OLD_JAR = "a".repeat(64);
  private static final String NEW_JAR = "b".repeat(64);
  private static final String OLD_JOB = "0".repeat(31) + "1";
  private static final String NEW_JOB = "0".repeat(31) + "2";
  private static final String SAVEPOINT = "file:/savepoints/savepoint-000000-1";
  private static final long VERSION = 5;

  private final MutableClock clock = new MutableClock(START);
  private final TestingFlinkService flink = new TestingFlinkService(clock);
  private volatile PipelineStatus status = PipelineStatus.initial();

  /** The accepted desired versions, newest first. */
  private volatile List<DesiredState> desired = List.of();

  private final InMemoryOperations leader =
      new InMemoryOperations(
          new TestLeadership("cp-a", true, Optional.of(Set.of("cp-a"))),
          clock,
          Duration.ZERO,
          List.of(
              new PipelineOperationOutcomes(
                  () -> Optional.of(status),
                  flink::fraudJobs,
                  () -> desired,
                  new RecordedEvents())));

  @AfterEach
  void close() {
    leader.close();
  }

  @Test
  void anUpgradeItsReplicaLeftEndsWithTheOutcomeTheSuccessorReached() {
    Operation left = leftBy(OperationKind.UPGRADE, OLD_JOB);
    status = withUpgrade(replacing(VERSION).deployed(NEW_JOB, START.plusSeconds(180)));
    clock.advance(Duration.ofSeconds(20));
    status =
        withUpgrade(
            replacing(VERSION)
                .deployed(NEW_JOB, START.plusSeconds(180))
                .moveTo(Upgrade.Phase.SUCCEEDED, clock.instant(), null));

    // With the upgrade savepoint.
    assertCompleted(settled(left), NEW_JOB, SAVEPOINT);
  }

  @Test
  void anUpgradeRolledBackAfterItsReplicaLeftFailsWithTheUpgradesOwnReason() {
    Operation left = leftBy(OperationKind.UPGRADE, OLD_JOB);
    Upgrade rolledBack =
        replacing(VERSION)
            .deployed(NEW_JOB, START.plusSeconds(180))
            .moveTo(Upgrade.Phase.ROLLING_BACK, clock.instant(), "not ready within PT3M")
            .moveTo(Upgrade.Phase.ROLLED_BACK, clock.instant(), null);
    status = withUpgrade(rolledBack);

    Operation ended = settled(left);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .isEqualTo(PipelineUpgrades.endedWithout(rolledBack))
        .isEqualTo("Upgrade to jar " + NEW_JAR + " rolled back: not ready within PT3M");
  }

  @Test
  void anUpgradeStillUnderWayIsLeftInProgressUntilTheOperationsDeadline() {
    Operation left = leftBy(OperationKind.UPGRADE, OLD_JOB);
    status = withUpgrade(replacing(VERSION).deployed(NEW_JOB, START.plusSeconds(180)));

    assertThat(settledOnlyPastItsDeadline(left).failureCause())
        .contains("replica cp-b")
        .endsWith("By its deadline, the upgrade to jar " + NEW_JAR + " was AWAITING_READINESS");
  }

  @Test
  void anUpgradeALaterVersionsUpgradeHidesIsFailedAsInterruptedAsBefore() {
    Operation left = leftBy(OperationKind.UPGRADE, OLD_JOB);
    status =
        withUpgrade(replacing(VERSION + 1).moveTo(Upgrade.Phase.SUCCEEDED, clock.instant(), null));

    assertFailedAsInterrupted(settled(left));
  }

  @Test
  void anUpgradeALaterVersionRuledOutBeforeItBeganFailsNamingThatVersion() {
    String automatic = "automatic upgrade to the shipped jar " + OLD_JAR.substring(0, 12);
    desired =
        List.of(onJar(VERSION + 1, OLD_JAR, automatic), onJar(VERSION, NEW_JAR, "POST upgrade"));
    Operation left = leftBy(OperationKind.UPGRADE, OLD_JOB);
    // The reconciler took up the later version, which names the jar the job already runs: the
    // upgrade version 5 asked for never began.
    PipelineStatus.Builder later = atVersion(OLD_JOB);
    later.desiredVersion = VERSION + 1;
    status = later.build();

    Operation ended = settled(left);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .startsWith(
            "Desired state version "
                + VERSION
                + " was superseded by desired version "
                + (VERSION + 1)
                + " ("
                + automatic
                + " by ops), which names jar "
                + OLD_JAR.substring(0, 12));
  }

  @Test
  void aStopItsReplicaLeftCompletesWithTheSavepointTheJobWasStoppedWith() throws Exception {
    Operation left = leftWhileItsJobRuns(OperationKind.STOP);

    assertThat(settled(left).state())
        .as("still running: the reconciler stops it next")
        .isEqualTo(OperationState.IN_PROGRESS);

    // The leader died during the stop: its successor found the job FINISHED and recorded the
    // savepoint Flink reports for it (PipelineActions.withFinalSavepoint).
    String path = flink.stopWithSavepoint(OLD_JOB, false, Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(5));
    status = suspendedAt(new RestorePoint(path, RestorePoint.Kind.SAVEPOINT, START, OLD_JOB));
    assertCompleted(settled(left), null, path);
  }

  @Test
  void aStopWhoseJobStillRunsAtTheOperationsDeadlineFailsSayingSo() {
    Operation left = leftWhileItsJobRuns(OperationKind.STOP);
    status =
        stoppingWith(
            new ReconcileStep(
                START.plusSeconds(1), "wait", "Job " + OLD_JOB + " is RESTARTING", "cp-a", 1));

    Operation ended = settledOnlyPastItsDeadline(left);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .contains("replica cp-b")
        .endsWith(
            "By its deadline, job "
                + OLD_JOB
                + " was still RUNNING, not stopped; the reconciler's last step: Job "
                + OLD_JOB
                + " is RESTARTING");
  }

  @Test
  void aStopWhoseSavepointFailedFailsWithTheReconcilersReasonAsItsBodyWould() {
    Operation left = leftWhileItsJobRuns(OperationKind.STOP);
    status =
        stoppingWith(
            new ReconcileStep(
                START.plusSeconds(3), "failed", "Savepoint failed: disk full", "cp-a", 1));

    Operation ended = settled(left);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause()).isEqualTo(stepFailed("Savepoint failed: disk full"));
  }

  @Test
  void aCancelItsReplicaLeftCompletesOnceFlinkShowsTheJobCanceled() throws Exception {
    Operation left = leftWhileItsJobRuns(OperationKind.CANCEL);

    assertThat(settled(left).state())
        .as("still running: the reconciler cancels it next")
        .isEqualTo(OperationState.IN_PROGRESS);

    flink.cancel(OLD_JOB, Duration.ofSeconds(10));
    assertCompleted(settled(left), null, null);
  }

  @Test
  void aCancelWhoseJobFlinkNoLongerListsCompletesWhenTheReconcilerRecordedItsSuspension() {
    Operation left = leftBy(OperationKind.CANCEL, OLD_JOB);
    status = suspendedAt(null);

    assertThat(settled(left).state()).isEqualTo(OperationState.COMPLETED);
  }

  @Test
  void aCancelWhoseJobFailedInsteadIsFailedAsInterruptedAsBefore() {
    flink.startOutside(OLD_JOB, 1, START);
    flink.fail(OLD_JOB, "java.lang.OutOfMemoryError");
    Operation left = leftBy(OperationKind.CANCEL, OLD_JOB);

    assertFailedAsInterrupted(settled(left));
  }

  @Test
  void aRescaleItsReplicaLeftCompletesWithTheJobTheSuccessorRunsAtTheAskedParallelism() {
    // Probe 6 (P6-4): cp-b stopped the job with a savepoint for parallelism 2 and was killed while
    // submitting its replacement; the replacement came up and the next leader found it in sync.
    desired = List.of(rescaledTo(VERSION, 2), rescaledTo(VERSION - 1, 3));
    flink.startOutside(NEW_JOB, 2, START.plusSeconds(5));
    flink.state(NEW_JOB, "INITIALIZING");
    Operation left = leftBy(OperationKind.RESCALE, OLD_JOB);
    status =
        replacedBy(
            NEW_JOB, 2, new RestorePoint(SAVEPOINT, RestorePoint.Kind.SAVEPOINT, START, OLD_JOB));

    assertThat(settled(left).state())
        .as("its state not restored yet: the rescale's own wait would not have ended either")
        .isEqualTo(OperationState.IN_PROGRESS);

    flink.state(NEW_JOB, "RUNNING");
    // With the rescale savepoint.
    assertCompleted(settled(left), NEW_JOB, SAVEPOINT);
  }

  @Test
  void aRescaleWhoseReplacementFailedFailsWithTheReconcilersReasonAsItsBodyWould() {
    desired = List.of(rescaledTo(VERSION, 2));
    Operation left = leftBy(OperationKind.RESCALE, OLD_JOB);
    PipelineStatus.Builder failed = replacedBy(OLD_JOB, 3, null).toBuilder();
    failed.lastStep =
        new ReconcileStep(
            START.plusSeconds(3), "failed", "Submitting the job failed: no slots", "cp-a", 1);
    status = failed.build();

    Operation ended = settled(left);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause()).isEqualTo(stepFailed("Submitting the job failed: no slots"));
  }

  @Test
  void aRescaleWhoseRefusedReplacementTheNextStepHidesFailsWithTheReconcilersReason() {
    desired = List.of(rescaledTo(VERSION, 2));
    Operation left = leftBy(OperationKind.RESCALE, OLD_JOB);
    PipelineStatus.Builder failed = replacedBy(NEW_JOB, 2, null).toBuilder();
    failed.lastStep =
        new ReconcileStep(
            START.plusSeconds(3),
            "failed",
            "Submitting " + NEW_JOB + " failed: no slots",
            "cp-a",
            1,
            VERSION);
    // The next pass waits out the backoff: the refusal is no longer the last step.
    PipelineStatus.Builder waiting = failed.build().toBuilder();
    waiting.lastStep =
        new ReconcileStep(
            START.plusSeconds(4), "wait", "Next attempt not before …", "cp-a", 1, VERSION);
    status = waiting.build();

    Operation ended = settled(left);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .isEqualTo(stepFailed("Submitting " + NEW_JOB + " failed: no slots"));
  }

  @Test
  void aRescaleNotCarriedOutYetStaysInProgressUntilTheOperationsDeadline() {
    desired = List.of(rescaledTo(VERSION, 2));
    flink.startOutside(OLD_JOB, 3, START);
    Operation left = leftBy(OperationKind.RESCALE, OLD_JOB);
    status = replacedBy(OLD_JOB, 3, null);

    Operation ended = settledOnlyPastItsDeadline(left);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .contains("replica cp-b")
        .endsWith("By its deadline, no job had replaced job " + OLD_JOB + " at parallelism 2");
  }

  @Test
  void aRescaleWhoseJobRunsAtALaterVersionsParallelismIsFailedAsInterruptedAsBefore() {
    desired = List.of(rescaledTo(VERSION + 1, 4), rescaledTo(VERSION, 2));
    flink.startOutside(NEW_JOB, 4, START.plusSeconds(5));
    Operation left = leftBy(OperationKind.RESCALE, OLD_JOB);
    PipelineStatus.Builder later = replacedBy(NEW_JOB, 4, null).toBuilder();
    later.desiredVersion = VERSION + 1;
    status = later.build();

    assertFailedAsInterrupted(settled(left));
  }

  /** Desired state {@code version}, the pipeline running at {@code parallelism}. */
  private static DesiredState rescaledTo(long version, int parallelism) {
    return new DesiredState(
        version,
        "pipeline-1",
        new PipelineSpec(
            PipelineState.RUNNING,
            parallelism,
            DeliveryGuarantee.EXACTLY_ONCE,
            UpgradeMode.SAVEPOINT,
            SuspendMode.SAVEPOINT,
            true,
            null,
            false,
            OLD_JAR),
        1,
        START,
        "ops",
        "POST /api/v1/jobs/{id}/rescale");
  }

  /** Desired state {@code version}, the pipeline running on {@code jar}, as {@code cause} asked. */
  private static DesiredState onJar(long version, String jar, String cause) {
    DesiredState at = rescaledTo(version, 1);
    return new DesiredState(
        version,
        at.pipelineId(),
        at.spec().withJar(jar, at.spec().upgradeMode()),
        at.restoreGeneration(),
        at.updatedAt(),
        at.updatedBy(),
        cause);
  }

  /** The reconciler's status at {@link #VERSION}, expecting {@code jobId} at that parallelism. */
  private static PipelineStatus replacedBy(String jobId, int parallelism, RestorePoint lastState) {
    PipelineStatus.Builder next = atVersion(jobId);
    next.jobParallelism = parallelism;
    next.lastState = lastState;
    return next.build();
  }

  /** The pipeline suspended for {@link #VERSION}, its job {@link #OLD_JOB} gone. */
  private static PipelineStatus suspendedAt(RestorePoint lastState) {
    PipelineStatus.Builder suspended = atVersion(OLD_JOB);
    suspended.suspended = true;
    suspended.lastState = lastState;
    return suspended.build();
  }

  /** The reconciler at {@link #VERSION}, still on {@link #OLD_JOB}, its last step {@code step}. */
  private static PipelineStatus stoppingWith(ReconcileStep step) {
    PipelineStatus.Builder stopping = atVersion(OLD_JOB);
    stopping.lastStep = step;
    return stopping.build();
  }

  /** The reconciler's status at {@link #VERSION}, following {@code jobId}. */
  private static PipelineStatus.Builder atVersion(String jobId) {
    PipelineStatus.Builder next = PipelineStatus.initial().toBuilder();
    next.desiredVersion = VERSION;
    next.jobId = jobId;
    return next;
  }

  /** The leader's look for abandoned operations, then {@code left} as it recorded it. */
  private Operation settled(Operation left) {
    leader.operations().failLeftBehind();
    return leader.recorded(left.id()).orElseThrow();
  }

  /**
   * {@code left}, which the leader's look leaves in progress, as the look past its deadline (a
   * minute after it was accepted) ends it.
   */
  private Operation settledOnlyPastItsDeadline(Operation left) {
    assertThat(settled(left).state())
        .as("before its deadline")
        .isEqualTo(OperationState.IN_PROGRESS);
    clock.advance(Duration.ofMinutes(1));
    return settled(left);
  }

  /** Completed as its body would have, naming the job and the savepoint its work left. */
  private static void assertCompleted(Operation ended, String newJobId, String savepointPath) {
    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(newJobId);
    assertThat(ended.savepointPath()).isEqualTo(savepointPath);
    assertThat(ended.failureCause()).isNull();
  }

  /** Failed as an operation of a stopped replica was before outcomes were told, naming cp-b. */
  private static void assertFailedAsInterrupted(Operation ended) {
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause()).startsWith("The control plane stopped").contains("cp-b");
  }

  /**
   * Why the wait for {@link #VERSION} failed: the reconciler's step failed with {@code message}.
   */
  private static String stepFailed(String message) {
    return "Desired state version "
        + VERSION
        + " was accepted, but the reconciler's step failed: "
        + message;
  }

  /** An operation cp-b accepted for desired version {@link #VERSION} and left in progress. */
  private Operation leftBy(OperationKind kind, String jobId) {
    Operation left = InMemoryOperations.inProgress(kind, jobId, "cp-b", START, VERSION);
    leader.record(left);
    return left;
  }

  /** As {@link #leftBy}, on {@link #OLD_JOB}, which Flink runs. */
  private Operation leftWhileItsJobRuns(OperationKind kind) {
    flink.startOutside(OLD_JOB, 1, START);
    return leftBy(kind, OLD_JOB);
  }

  /** The upgrade {@code version} asked for, the old job stopped with a savepoint. */
  private static Upgrade replacing(long version) {
    RestorePoint savepoint =
        new RestorePoint(SAVEPOINT, RestorePoint.Kind.SAVEPOINT, START, OLD_JOB, Map.of());
    return Upgrade.begin(
        version,
        OLD_JAR,
        NEW_JAR,
        UpgradeMode.SAVEPOINT,
        savepoint,
        OLD_JOB,
        Upgrade.Phase.REPLACING,
        START);
  }

  private static PipelineStatus withUpgrade(Upgrade upgrade) {
    PipelineStatus.Builder next = PipelineStatus.initial().toBuilder();
    next.desiredVersion = upgrade.desiredVersion();
    next.jobId = upgrade.toJobId();
    next.upgrade = upgrade;
    return next.build();
  }
}
