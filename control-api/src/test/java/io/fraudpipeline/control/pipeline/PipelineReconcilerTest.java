package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.events.PipelineEvent;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.DuplicateJobException;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.flink.InFlightSubmissions;
import io.fraudpipeline.control.flink.JobSubmission;
import io.fraudpipeline.control.flink.TaskStates;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.flink.TestingFlinkService.Job;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.savepoints.RestoreSafety;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.control.support.MutableClock;
import io.fraudpipeline.control.support.TestLeadership;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every row of the reconciler's decision table against the in-memory {@link TestingFlinkService}:
 * one reconciliation per call, no cluster, milliseconds each.
 */
class PipelineReconcilerTest {

  private static final Instant START = Instant.parse("2026-12-05T10:00:00Z");

  /** A jar the jar store does not hold. */
  private static final String LOST_JAR = "c".repeat(64);

  /** {@code fraud.reconciler.upgrade.watch-period}, as its default. */
  private static final Duration WATCH_PERIOD = TestReconcilerProperties.WATCH_PERIOD;

  /** {@code fraud.reconciler.task-start-timeout}, as its default. */
  private static final Duration TASK_START_TIMEOUT = TestReconcilerProperties.TASK_START_TIMEOUT;

  final MutableClock clock = new MutableClock(START);
  final TestingFlinkService flink = new TestingFlinkService(clock);
  final List<PipelineEvent> events = new ArrayList<>();
  final List<PipelineStatus> intents = new ArrayList<>();
  final List<SavepointRecord> savepoints = new ArrayList<>();
  final List<DesiredState> proposed = new ArrayList<>();
  TransactionsRetention retention = TransactionsRetention.UNKNOWN;
  final TestLeadership leadership = new TestLeadership();
  ReconcilerProperties properties = TestReconcilerProperties.of(false);

  /** {@code fraud.flink.slots-on-demand}. */
  boolean slotsOnDemand = false;

  PipelineReconciler reconciler;
  PipelineStatus status = PipelineStatus.initial();

  @TempDir Path checkpoints;
  @TempDir Path savepointDirectory;

  @BeforeEach
  void newReconciler() {
    reconciler = reconciler(leadership);
  }

  @Test
  void managesNothingWhileNoDesiredStateIsDeclared() throws Exception {
    flink.startOutside("a".repeat(32), 1, START);

    step(null);

    assertThat(flink.submissions()).isEmpty();
    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(events).isEmpty();
  }

  @Test
  void deploysTheJobWhenTheDesiredStateSaysRunning() throws Exception {
    step(running(1));

    assertThat(flink.submissions())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.parallelism()).isEqualTo(1);
              assertThat(s.restorePath()).isNull();
              assertThat(s.jobId()).isEqualTo(status.jobId());
            });
    assertThat(intents).singleElement().extracting(PipelineStatus::jobId).isEqualTo(status.jobId());
    assertThat(reasons()).containsExactly("JobDeployed");
    assertThat(status.lastStep().action()).isEqualTo("deploy");

    step(running(1));
    assertThat(flink.submissions()).hasSize(1);
    assertThat(status.lastStep().action()).isEqualTo("none");
  }

  @Test
  void restoresALostJobFromItsLastCheckpoint() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 4);
    String first = deployed.jobId();
    String checkpoint = deployed.checkpoint();
    assertThat(status.lastState().path()).isEqualTo(checkpoint);

    flink.loseAllJobs();
    step(desired);

    assertOnlyJobFrom(checkpoint);
    assertThat(status.jobId()).isNotEqualTo(first);
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("JobRestoredFromLastState");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
              assertThat(e.message()).contains(first).contains("no longer on Flink");
            });
  }

  @Test
  void restoresTheSavepointAJobWasStoppedWithWhenNobodyRecordedTheStop() throws Exception {
    DesiredState desired = running(1);
    String stopped = deployWithCheckpoint(desired, 37).jobId();
    clock.advance(Duration.ofSeconds(5));
    // A leader stopped it for a rescale and died before recording anything; Flink discarded the
    // checkpoints of the FINISHED job.
    String savepoint = flink.stopWithSavepoint(stopped, false, Duration.ofMinutes(1));
    deleteCheckpointsOf(stopped);
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));

    step(rescaled);

    assertOnlyJob(2, savepoint);
    assertThat(savepoints)
        .singleElement()
        .satisfies(
            sp -> {
              assertThat(sp.path()).isEqualTo(savepoint);
              assertThat(sp.jobId()).isEqualTo(stopped);
              assertThat(sp.kind()).isEqualTo(SavepointRecord.Kind.STOP);
              // What the stopped job ran with, not the rescale's: Flink reports neither for an
              // ended job, and the record had none.
              assertThat(sp.parallelism()).isEqualTo(1);
              assertThat(sp.deliveryGuarantee()).isEqualTo("exactly-once");
            });
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
  }

  @Test
  void aJobStoppedOutsideIsRestoredFromItsSavepointOnceFlinkReportsIt() throws Exception {
    DesiredState desired = running(1);
    String stopped = deployWithCheckpoint(desired, 12).jobId();
    clock.advance(Duration.ofSeconds(5));
    // Stopped through Flink's UI; Flink's statistics still answer from before the stop.
    flink.statisticsLag(Duration.ofSeconds(3));
    String savepoint = flink.stopWithSavepoint(stopped, false, Duration.ofMinutes(1));
    deleteCheckpointsOf(stopped);

    step(desired);

    assertThat(flink.activeJobs()).isEmpty();
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message()).contains(stopped).contains("savepoint");

    clock.advance(Duration.ofSeconds(3));
    step(desired);

    assertOnlyJobFrom(savepoint);
    assertOnlySavepoint(SavepointRecord.Kind.STOP);
  }

  @Test
  void aFinishedJobWithoutAReportedSavepointIsNotWaitedForForever() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 12);
    clock.advance(Duration.ofSeconds(5));
    // Flink no longer reports the savepoint (its statistics lost): after the grace the newest
    // state known is used, as before.
    flink.statisticsLag(Duration.ofDays(1));
    flink.stopWithSavepoint(deployed.jobId(), false, Duration.ofMinutes(1));

    step(desired);
    assertThat(flink.activeJobs()).isEmpty();
    clock.advance(PipelineActions.STATISTICS_SETTLE);
    step(desired);

    assertOnlyJobFrom(deployed.checkpoint());
  }

  @Test
  void aSuspendWhoseSavepointNobodyRecordedKeepsThatSavepoint() throws Exception {
    DesiredState desired = running(1);
    String stopped = deployWithCheckpoint(desired, 61).jobId();
    clock.advance(Duration.ofSeconds(5));
    // The leader that took the suspend's savepoint died before recording it.
    String savepoint = flink.stopWithSavepoint(stopped, false, Duration.ofMinutes(1));
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(savepoint);
    assertThat(events.get(events.size() - 1).message()).contains(savepoint);
    assertThat(savepoints)
        .singleElement()
        .satisfies(
            sp -> {
              assertThat(sp.path()).isEqualTo(savepoint);
              assertThat(sp.parallelism()).isEqualTo(1);
              assertThat(sp.deliveryGuarantee()).isEqualTo("exactly-once");
            });
  }

  @Test
  void theSuspendOfAStopNobodyRecordedSaysTheJobWasStoppedWithThatSavepoint() throws Exception {
    DesiredState desired = running(1);
    String stopped = deployWithCheckpoint(desired, 61).jobId();
    clock.advance(Duration.ofSeconds(5));
    // The leader stopped the job with a savepoint, then could not record it (Kafka lost).
    String savepoint = flink.stopWithSavepoint(stopped, false, Duration.ofMinutes(1));

    step(suspended(desired));

    assertThat(events.get(events.size() - 1).message())
        .contains("had been stopped with savepoint " + savepoint)
        .doesNotContain("nothing was stopped");
  }

  @Test
  void aSuspendOfAJobCancelledUnseenKeepsItsNewestCheckpointNotTheLastObserved() throws Exception {
    DesiredState desired = running(1);
    String job = deployWithCheckpoint(desired, 74).jobId();
    clock.advance(Duration.ofSeconds(2));
    // Completed, then cancelled by a leader that died: nobody observed chk-75, and Flink keeps
    // only the newest checkpoint (chk-74 is gone).
    String newest = checkpoint(job, 75);
    flink.cancel(job, Duration.ofSeconds(1));
    DesiredState suspended =
        next(desired, desired.spec().withState(PipelineState.SUSPENDED, SuspendMode.CANCEL));

    step(suspended);

    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(newest);
    assertThat(events.get(events.size() - 1).message()).contains("chk-75");
  }

  /**
   * Probe 12 (P12-3): an upgrade given up for the operator's next change was told as {@code
   * UpgradeFailed}, which the FraudUpgradeRolledBack alert counts.
   */
  @Test
  void anUpgradeAbandonedForAnotherJarIsToldAsAbandonedNotFailed() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.AWAITING_READINESS);
    DesiredState other = next(upgrade, upgrade.spec().withJar(LOST_JAR, UpgradeMode.SAVEPOINT));

    step(other);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ABANDONED);
    assertThat(events)
        .filteredOn(e -> e.reason().equals("UpgradeAbandoned"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.NORMAL);
              assertThat(e.message()).contains("abandoned");
            });
    assertThat(reasons()).doesNotContain("UpgradeFailed");
  }

  /**
   * Probe 12 (P12-2), as seen: the job stopped with a savepoint for an upgrade, that upgrade
   * abandoned for a third jar before its deploy, the third jar's upgrade deploys from that
   * savepoint and says the job was taken down by the control plane, not that it ended outside it.
   */
  @Test
  void theUpgradeAfterAnAbandonedOneSaysItsJobWasStoppedByTheControlPlane() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String stopped = status.jobId();
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.REPLACING);
    DesiredState other = next(upgrade, upgrade.spec().withJar(LOST_JAR, UpgradeMode.SAVEPOINT));

    step(other);
    step(other);

    assertOnlyJobOnJar(LOST_JAR, savepoints.get(0).path());
    assertThat(events)
        .filteredOn(e -> e.reason().equals("UpgradeStarted"))
        .last()
        .extracting(PipelineEvent::message)
        .asString()
        .contains("to " + LOST_JAR.substring(0, 12))
        .contains("job " + stopped + " was taken down by the control plane (FINISHED)")
        .doesNotContain("outside the control plane");
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
  }

  @Test
  void anUpgradeWhoseNewJobNeverReachedFlinkAwaitsTheJobDeployedInsteadOfRollingBack()
      throws Exception {
    DesiredState desired = running(1);
    step(desired);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    step(upgrade);
    String lost = status.jobId();
    // Its leader died between recording the new job and submitting it.
    flink.loseAllJobs();

    step(upgrade);

    String deployed = status.jobId();
    assertThat(deployed).isNotEqualTo(lost);
    assertThat(flink.job(deployed).jar()).isEqualTo(NEW_JAR);
    assertThat(status.upgrade().toJobId()).isEqualTo(deployed);
    clock.advance(Duration.ofMinutes(3).plusSeconds(1));
    flink.completeCheckpoint(deployed, 1, checkpoint(deployed, 1), clock.instant());
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    assertThat(status.rejectedJars()).isEmpty();
  }

  @Test
  void restoresTheNewestCheckpointInTheStorageRatherThanTheLastObservedOne() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 4);
    String job = deployed.jobId();
    String observed = deployed.checkpoint();
    // Completed after the last observation, then the cluster was lost.
    String newer = checkpoint(job, 5);

    flink.loseAllJobs();
    step(desired);

    assertOnlyJobFrom(newer);
  }

  @Test
  void restoresASavepointNewerThanTheLastCheckpoint() throws Exception {
    DesiredState desired = running(1);
    String job = deployWithCheckpoint(desired, 4).jobId();
    clock.advance(Duration.ofSeconds(30));
    SavepointRecord savepoint =
        new SavepointRecord(
            "file:/sp/savepoint-1",
            job,
            SavepointRecord.Kind.SAVEPOINT,
            clock.instant(),
            1,
            "exactly-once",
            null,
            "op-1");

    flink.loseAllJobs();
    status = reconciler.reconcile(desired, observe(savepoint), status);

    assertOnlyJobFrom("file:/sp/savepoint-1");
  }

  @Test
  void deploysAgainAJobCancelledOutsideTheControlPlane() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String first = status.jobId();
    flink.cancel(first, Duration.ZERO);

    step(desired);

    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(status.jobId()).isNotEqualTo(first);
    assertThat(events.get(events.size() - 1).message()).contains("CANCELED outside");
  }

  @Test
  void restartsAFailedJobFromItsLastCheckpointAfterABackoff() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 2);
    String failed = deployed.jobId();
    String checkpoint = deployed.checkpoint();
    flink.fail(failed, "java.lang.RuntimeException: boom");

    step(desired);
    assertThat(flink.activeJobs()).isEmpty();
    assertThat(status.notBefore()).isEqualTo(clock.instant().plusSeconds(10));
    assertThat(reasons()).contains("JobFailed");

    clock.advance(Duration.ofSeconds(5));
    step(desired);
    assertThat(flink.activeJobs()).as("still backing off").isEmpty();

    clock.advance(Duration.ofSeconds(5));
    step(desired);
    assertOnlyJobFrom(checkpoint);
    assertThat(reasons()).endsWith("JobRestarted");
    assertThat(status.failureRestarts()).hasSize(1);
  }

  @Test
  void givesUpPastTheRestartBudgetWithFlinksRootCause() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    for (int restart = 0; restart < 3; restart++) {
      flink.fail(status.jobId(), "java.lang.IllegalStateException: poison " + restart);
      step(desired);
      clock.advance(Duration.ofMinutes(1));
      step(desired);
      assertThat(flink.activeJobs()).as("restart %d", restart + 1).hasSize(1);
    }
    flink.fail(status.jobId(), "java.lang.IllegalStateException: poison 3");

    step(desired);

    assertThat(status.gaveUp()).contains("4 times").contains("poison 3");
    assertThat(reasons()).endsWith("RestartBudgetExhausted");
    clock.advance(Duration.ofMinutes(5));
    step(desired);
    assertThat(flink.activeJobs()).isEmpty();
    assertThat(flink.submissions()).hasSize(4);

    // A new declaration is a new chance.
    step(next(desired, desired.spec()));
    clock.advance(Duration.ofMinutes(1));
    step(next(desired, desired.spec()));
    assertThat(status.gaveUp()).isNull();
  }

  @Test
  void onlyReportsAFailedJobWhenRestartFailedIsOff() throws Exception {
    DesiredState desired = running(1, false);
    step(desired);
    flink.fail(status.jobId(), "boom");

    step(desired);
    step(desired);

    assertThat(flink.submissions()).hasSize(1);
    assertThat(reasons()).containsExactly("JobDeployed", "JobFailed");
  }

  @Test
  void reportsAJobWhoseRestartsKeepClimbing() throws Exception {
    DesiredState desired = running(1);

    unhealthyFromClimbingRestarts(desired);

    assertThat(status.unhealthy()).contains("restarted 3 times");
    assertThat(reasons()).endsWith("JobUnhealthy");
    assertThat(flink.activeJobs()).singleElement().extracting(j -> j.state()).isEqualTo("RUNNING");
  }

  @Test
  void reportsAtFirstSightAJobThatRestartedTooOftenSinceItStartedWithinTheWindow()
      throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String job = status.jobId();
    flink.restarts(job, 3);
    clock.advance(Duration.ofMinutes(1));

    step(desired);

    assertThat(status.unhealthy()).contains("restarted 3 times within PT5M");
    assertThat(reasons()).endsWith("JobUnhealthy");
  }

  @Test
  void reportsAJobFlinkKeepsRestartingThoughNeverSeenRunningBetweenItsRestarts() throws Exception {
    DesiredState desired = running(1);
    String job = deployWithCheckpoint(desired, 1).jobId();
    // Started long before the window: only the restarts observed within it count.
    clock.advance(Duration.ofMinutes(20));
    flink.completeCheckpoint(job, 2, checkpoint(job, 2), clock.instant());
    step(desired);

    // Flink's exponential-delay restart strategy waits up to a minute between attempts, and a job
    // failing on its first record is RUNNING for a moment only: each observation, 2 s apart, finds
    // it waiting for its next attempt (RESTARTING) or being scheduled (CREATED).
    for (int restart = 1; restart <= 3; restart++) {
      flink.restarts(job, restart);
      flink.state(job, "RESTARTING");
      clock.advance(Duration.ofSeconds(30));
      step(desired);
      flink.state(job, "CREATED");
      clock.advance(Duration.ofSeconds(2));
      step(desired);
    }

    assertThat(status.unhealthy()).contains("restarted 3 times within PT5M");
    assertThat(status.unhealthyJobId()).isEqualTo(job);
    assertThat(reasons().stream().filter("JobUnhealthy"::equals)).hasSize(1);
  }

  @Test
  void reportsAJobWithoutACompletedCheckpointForSeveralIntervals() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    // Seen RUNNING from here: five checkpoint intervals of 10 s are due.
    step(desired);
    clock.advance(Duration.ofSeconds(49));
    step(desired);
    assertThat(status.unhealthy()).isNull();

    clock.advance(Duration.ofSeconds(2));
    step(desired);

    assertThat(status.unhealthy()).contains("no checkpoint completed");
    assertThat(events.stream().filter(e -> e.reason().equals("JobUnhealthy"))).hasSize(1);
    step(desired);
    assertThat(events.stream().filter(e -> e.reason().equals("JobUnhealthy")))
        .as("reported once")
        .hasSize(1);
  }

  @Test
  void restartsAnUnhealthyJobFromItsLastCheckpointWhenConfigured() throws Exception {
    properties = TestReconcilerProperties.of(true);
    reconciler = reconciler(leadership);
    DesiredState desired = running(1);
    step(desired);
    String stuck = status.jobId();
    step(desired);
    clock.advance(Duration.ofSeconds(1));
    String checkpoint = checkpoint(stuck, 1);
    flink.completeCheckpoint(stuck, 1, checkpoint, clock.instant());
    step(desired);
    clock.advance(Duration.ofMinutes(1));

    step(desired);
    assertThat(flink.job(stuck).state()).isEqualTo("CANCELED");
    step(desired);

    assertOnlyJobFrom(checkpoint);
  }

  @Test
  void anUnhealthyReportIsClosedOnceTheJobIsHealthyAgain() throws Exception {
    DesiredState desired = running(1);
    String job = unhealthyFromClimbingRestarts(desired);

    // No further restart for a whole window: the climb is over.
    clock.advance(Duration.ofMinutes(6));
    flink.completeCheckpoint(job, 10, checkpoint(job, 10), clock.instant());
    step(desired);

    assertThat(status.unhealthy()).isNull();
    assertThat(events.get(events.size() - 1))
        .satisfies(e -> assertThat(e.reason()).isEqualTo("JobHealthy"))
        .satisfies(e -> assertThat(e.message()).isEqualTo("Job " + job + " is healthy again"))
        .satisfies(e -> assertThat(e.jobId()).isEqualTo(job));
  }

  @Test
  void anUnhealthyReportIsClosedWhenTheUnhealthyJobIsLostAndRestored() throws Exception {
    // Probe 8 (P8-3): JobUnhealthy, then the JobManager was lost and the job restored as another;
    // status, metric and health said healthy, but no event ever closed the warning.
    DesiredState desired = running(1);
    String unhealthy = unhealthyFromClimbingRestarts(desired);
    flink.loseAllJobs();

    step(desired);

    assertThat(status.jobId()).isNotEqualTo(unhealthy);
    assertThat(status.unhealthy()).isNull();
    assertThat(reasons()).endsWith("JobUnhealthy", "JobRestoredFromLastState", "JobHealthy");
    assertThat(events.get(events.size() - 1))
        .satisfies(e -> assertThat(e.jobId()).isEqualTo(unhealthy))
        .satisfies(
            e ->
                assertThat(e.message())
                    .startsWith("Job " + unhealthy + ", reported unhealthy (restarted 3 times")
                    .contains("runs no more: Job " + unhealthy + " is no longer on Flink")
                    .contains("as job " + status.jobId()));
  }

  @Test
  void anUnhealthyReportIsClosedOnceTheRestartedJobRunsInItsPlace() throws Exception {
    properties = TestReconcilerProperties.of(true);
    reconciler = reconciler(leadership);
    DesiredState desired = running(1);
    String unhealthy = unhealthyFromClimbingRestarts(desired);
    assertThat(flink.job(unhealthy).state()).isEqualTo("CANCELED");
    assertThat(reasons()).endsWith("JobUnhealthy", "JobReplaced");

    step(desired);

    assertThat(status.unhealthy()).isNull();
    assertThat(reasons()).endsWith("JobHealthy");
    assertThat(events.get(events.size() - 1).jobId()).isEqualTo(unhealthy);
  }

  @Test
  void anUnhealthyReportIsClosedWhenThePipelineIsSuspended() throws Exception {
    DesiredState desired = running(1);
    String unhealthy = unhealthyFromClimbingRestarts(desired);

    step(suspended(desired));

    assertThat(status.suspended()).isTrue();
    assertThat(reasons()).endsWith("JobSuspended", "JobHealthy");
    assertThat(events.get(events.size() - 1).message())
        .contains("runs no more: Job " + unhealthy + " stopped with savepoint");
  }

  @Test
  void anAdoptedJobIsJudgedOnItsOwnAndTheReportOfTheJobItTakesOverFromIsClosed() throws Exception {
    // Before: the adopted job inherited the unhealthy report, so no JobHealthy closed the first
    // job's JobUnhealthy, and the adopted job's own trouble raised no JobUnhealthy of its own.
    DesiredState desired = running(1);
    String unhealthy = unhealthyFromClimbingRestarts(desired);
    // Cancelled through Flink's UI, and another fraud job started there by hand.
    flink.cancel(unhealthy, Duration.ofSeconds(1));
    String adopted = flink.startOutside("b".repeat(32), 1, clock.instant());

    step(desired);

    assertThat(status.lastStep().action()).isEqualTo("adopt");
    assertThat(status.unhealthy()).isNull();
    assertThat(reasons()).endsWith("JobAdopted", "JobHealthy");
    assertThat(events.get(events.size() - 1))
        .satisfies(e -> assertThat(e.jobId()).isEqualTo(unhealthy))
        .satisfies(
            e ->
                assertThat(e.message())
                    .startsWith("Job " + unhealthy + ", reported unhealthy (restarted 3 times")
                    .contains("runs no more: Job " + adopted + " runs on Flink"));

    for (int restarts = 0; restarts <= 3; restarts++) {
      flink.restarts(adopted, restarts);
      flink.completeCheckpoint(
          adopted, restarts + 1, checkpoint(adopted, restarts + 1), clock.instant());
      clock.advance(Duration.ofSeconds(30));
      step(desired);
    }

    assertThat(status.unhealthy()).contains("restarted 3 times");
    assertThat(events.get(events.size() - 1))
        .satisfies(e -> assertThat(e.reason()).isEqualTo("JobUnhealthy"))
        .satisfies(e -> assertThat(e.jobId()).isEqualTo(adopted));
  }

  @Test
  void aSuccessorClosesTheUnhealthyReportOfAPredecessorThatDiedDeployingTheReplacement()
      throws Exception {
    // Before: the deployment's intent cleared the report, and the JobHealthy that was to close it
    // died with the replica that recorded it: the JobUnhealthy stayed open for good.
    DesiredState desired = running(1);
    String unhealthy = unhealthyFromClimbingRestarts(desired);
    flink.loseAllJobs();
    PipelineStatus left = leftByALeaderThatDiedOnceItRecordedADeployment(desired);
    assertThat(reasons()).endsWith("JobUnhealthy");

    status = reconciler(TestLeadership.alone("cp-c")).reconcile(desired, observe(null), left);

    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(flink.job(left.jobId()).state()).isEqualTo("RUNNING");
    assertThat(status.unhealthy()).isNull();
    assertThat(reasons()).endsWith("JobUnhealthy", "JobRestoredFromLastState", "JobHealthy");
    assertThat(events.get(events.size() - 1))
        .satisfies(e -> assertThat(e.jobId()).isEqualTo(unhealthy))
        .satisfies(
            e ->
                assertThat(e.message())
                    .startsWith("Job " + unhealthy + ", reported unhealthy (restarted 3 times")
                    .contains("runs no more: Job " + left.jobId() + " is not on Flink"));
  }

  @Test
  void aSuccessorClosesTheUnhealthyReportOfAPredecessorThatDiedOnceTheReplacementRan()
      throws Exception {
    DesiredState desired = running(1);
    String unhealthy = unhealthyFromClimbingRestarts(desired);
    flink.loseAllJobs();
    PipelineStatus left = leftByALeaderThatDiedOnceItRecordedADeployment(desired);
    // Its submission had reached Flink.
    flink.submit(
        new JobSubmission(
            left.jobId(),
            1,
            DeliveryGuarantee.EXACTLY_ONCE,
            left.lastState().path(),
            false,
            left.jobJarSha256()));

    status = reconciler(TestLeadership.alone("cp-c")).reconcile(desired, observe(null), left);

    assertThat(status.jobId()).isEqualTo(left.jobId());
    assertThat(status.unhealthy()).isNull();
    assertThat(reasons()).endsWith("JobUnhealthy", "JobHealthy");
    assertThat(events.get(events.size() - 1))
        .satisfies(e -> assertThat(e.jobId()).isEqualTo(unhealthy))
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("runs no more: Job " + left.jobId() + " is RUNNING"));
  }

  /** What a leader leaves that died the moment it recorded the intent of a deployment. */
  private PipelineStatus leftByALeaderThatDiedOnceItRecordedADeployment(DesiredState desired) {
    PipelineReconciler dying =
        reconciler(
            TestLeadership.alone("cp-b"),
            flink,
            intent -> {
              intents.add(intent);
              throw new ReplicaDied();
            });
    assertThatThrownBy(() -> dying.reconcile(desired, observe(null), status))
        .isInstanceOf(ReplicaDied.class);
    assertThat(flink.activeJobs()).isEmpty();
    return intents.get(intents.size() - 1);
  }

  /** Thrown where a replica's process ends, so that nothing it would have done next happens. */
  private static final class ReplicaDied extends RuntimeException {}

  /** Deploys the job and has Flink's restarts of it climb until it is reported unhealthy. */
  private String unhealthyFromClimbingRestarts(DesiredState desired) throws Exception {
    step(desired);
    String job = status.jobId();
    for (int restarts = 0; restarts <= 3; restarts++) {
      flink.restarts(job, restarts);
      flink.completeCheckpoint(job, restarts + 1, checkpoint(job, restarts + 1), clock.instant());
      clock.advance(Duration.ofSeconds(30));
      step(desired);
    }
    assertThat(reasons()).contains("JobUnhealthy");
    return job;
  }

  @Test
  void suspendsARunningJobWithASavepointAndResumesFromIt() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String job = status.jobId();
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(flink.activeJobs()).isEmpty();
    assertThat(savepoints)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.jobId()).isEqualTo(job);
              assertThat(s.kind()).isEqualTo(SavepointRecord.Kind.STOP);
            });
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(savepoints.get(0).path());
    step(suspended);
    assertThat(flink.submissions()).hasSize(1);

    DesiredState resumed = next(suspended, desired.spec());
    step(resumed);
    assertOnlyJobFrom(savepoints.get(0).path());
    assertThat(reasons()).endsWith("JobResumed");
  }

  @Test
  void aSuspendRightAfterARescaleIsRecordedAsASuspendAndTheResumeAsAResume() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String old = status.jobId();
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));
    step(rescaled);
    assertThat(flink.job(old).state()).isEqualTo("FINISHED");
    DesiredState suspended = suspended(rescaled);

    // The replacement already took the job down: nothing to stop, but the pipeline is suspended.
    step(suspended);

    assertThat(status.suspended()).isTrue();
    assertThat(status.lastStep().action()).isEqualTo("suspend");
    assertThat(reasons()).endsWith("JobReplaced", "JobSuspended");
    assertThat(events.get(events.size() - 1).message())
        .contains(old)
        .contains(savepoints.get(0).path());
    step(suspended);
    assertThat(reasons()).endsWith("JobReplaced", "JobSuspended");
    assertThat(flink.submissions()).hasSize(1);

    step(next(suspended, rescaled.spec()));
    assertOnlyJob(2, savepoints.get(0).path());
    assertThat(reasons()).endsWith("JobResumed");
    assertThat(status.suspended()).isFalse();
  }

  @Test
  void suspendsWithCancelWhenTheSuspendModeSaysSo() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String job = status.jobId();

    step(next(desired, desired.spec().withState(PipelineState.SUSPENDED, SuspendMode.CANCEL)));

    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
  }

  @Test
  void waitsForARestartingJobBeforeTakingTheSuspendSavepoint() throws Exception {
    DesiredState desired = running(1);
    String job = deployWithCheckpoint(desired, 1).jobId();
    flink.state(job, "RESTARTING");
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(status.lastStep().action()).isEqualTo("wait");
  }

  @Test
  void replacesAJobStuckWithoutACheckpointOfItsOwnFromTheStateItStartedFrom() throws Exception {
    DesiredState desired = running(1);
    String checkpoint = jobRestoredFromACheckpointThatCannotRun(desired);
    String stuck = status.jobId();
    DesiredState narrower = next(desired, desired.spec().withParallelism(2));

    step(narrower);
    assertThat(flink.job(stuck).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    step(narrower);

    assertOnlyJob(2, checkpoint);
    assertThat(reasons()).endsWith("JobReplaced", "JobDeployed");
  }

  @Test
  void waitsForASavepointOfAStuckJobThatCompletedACheckpointOfItsOwn() throws Exception {
    DesiredState desired = running(1);
    jobRestoredFromACheckpointThatCannotRun(desired);
    String stuck = status.jobId();
    flink.completeCheckpoint(stuck, 5, checkpoint(stuck, 5), clock.instant());
    step(desired);
    DesiredState narrower = next(desired, desired.spec().withParallelism(2));

    step(narrower);

    assertThat(flink.job(stuck).state()).isEqualTo("RESTARTING");
    assertThat(status.lastStep().action()).isEqualTo("wait");
  }

  @Test
  void suspendsAJobStuckWithoutACheckpointOfItsOwnAtTheStateItStartedFrom() throws Exception {
    DesiredState desired = running(1);
    String checkpoint = jobRestoredFromACheckpointThatCannotRun(desired);
    String stuck = status.jobId();
    flink.state(stuck, "RUNNING");
    flink.tasksRunning(stuck, false);
    DesiredState suspended = suspended(desired);

    step(suspended);
    assertThat(flink.job(stuck).state()).isEqualTo("CANCELED");
    assertThat(status.suspended()).isTrue();
    DesiredState resumed =
        next(suspended, suspended.spec().withState(PipelineState.RUNNING, SuspendMode.SAVEPOINT));
    step(resumed);

    assertOnlyJobFrom(checkpoint);
    assertThat(reasons()).endsWith("JobSuspended", "JobResumed");
  }

  @Test
  void aStopRightAfterTheDeployWaitsForTheStartingTasksThenTakesTheSavepoint() throws Exception {
    // Before, a job stopped while its tasks were still starting was cancelled back to the state
    // it started from: no savepoint, and under at-least-once its alerts raised again.
    DesiredState desired = running(2);
    step(desired);
    String job = status.jobId();
    DesiredState suspended = suspended(desired);

    flink.tasks(job, new TaskStates(4, 0, 0, 0, 0, true));
    step(suspended);
    assertThat(flink.job(job).state()).as("slots free, being allocated").isEqualTo("RUNNING");
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message())
        .contains(job, "is starting", "4 waiting for a slot", "fraud.reconciler.task-start-timeout")
        .contains(START.plus(TASK_START_TIMEOUT).toString());

    clock.advance(Duration.ofSeconds(3));
    flink.tasks(job, new TaskStates(0, 3, 1, 0, 0, false));
    step(suspended);
    assertThat(flink.job(job).state()).isEqualTo("RUNNING");
    assertThat(status.lastStep().message())
        .contains("1 of 4 tasks running, 3 deploying or initializing");
    assertThat(savepoints).isEmpty();

    clock.advance(Duration.ofSeconds(3));
    flink.tasksRunning(job, true);
    step(suspended);

    assertThat(flink.job(job).state()).isEqualTo("FINISHED");
    assertThat(status.suspended()).isTrue();
    assertThat(savepoints)
        .singleElement()
        .satisfies(
            sp -> {
              assertThat(sp.jobId()).isEqualTo(job);
              assertThat(sp.kind()).isEqualTo(SavepointRecord.Kind.STOP);
              assertThat(status.lastState().path()).isEqualTo(sp.path());
            });
    assertThat(reasons()).endsWith("JobSuspended");
  }

  @Test
  void aStopWaitsForAJobWhoseJobMasterIsStillInitialising() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String job = status.jobId();
    flink.state(job, "INITIALIZING");
    flink.tasks(job, TaskStates.unknownYet(true));

    step(suspended(desired));

    assertThat(flink.job(job).state()).isEqualTo("INITIALIZING");
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message()).contains("no task deployed yet");
  }

  @Test
  void aJobStillStartingPastTheTaskStartTimeoutIsCancelledBackToTheStateItStartedFrom()
      throws Exception {
    DesiredState desired = running(1);
    String checkpoint = jobRestoredFromACheckpointThatCannotRun(desired);
    String starting = status.jobId();
    flink.state(starting, "RUNNING");
    flink.tasks(starting, new TaskStates(0, 1, 1, 0, 0, true));
    DesiredState suspended = suspended(desired);
    step(suspended);
    assertThat(status.lastStep().action()).isEqualTo("wait");

    clock.advance(TASK_START_TIMEOUT);
    step(suspended);

    assertThat(flink.job(starting).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(checkpoint);
    assertThat(status.lastStep().message())
        .contains("cancelled", "still starting past fraud.reconciler.task-start-timeout");
  }

  @Test
  void aJobWaitingForSlotsTheClusterDoesNotHaveIsCancelledAtOnce() throws Exception {
    DesiredState desired = running(2);
    step(desired);
    String job = status.jobId();
    // One task of each subtask index runs; the others wait for slots no TaskManager offers.
    flink.tasksRunning(job, false);

    step(suspended(desired));

    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastStep().message()).contains("the cluster has none free");
  }

  @Test
  void withSlotsOnDemandAJobWaitingForSlotsIsWaitedForUntilTheTaskStartTimeout() throws Exception {
    // Where Flink starts TaskManagers as jobs ask for slots (Kubernetes), none are free until the
    // one being started registers: such a job was cancelled at once, as if no slot would come.
    slotsOnDemand = true;
    reconciler = reconciler(leadership);
    DesiredState desired = running(2);
    step(desired);
    String job = status.jobId();
    flink.tasks(job, new TaskStates(4, 0, 0, 0, 0, false));
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(flink.job(job).state()).isEqualTo("RUNNING");
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message())
        .contains(job, "is starting", "4 waiting for a slot")
        .contains(START.plus(TASK_START_TIMEOUT).toString());

    clock.advance(TASK_START_TIMEOUT);
    step(suspended);

    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastStep().message())
        .contains("still starting past fraud.reconciler.task-start-timeout");
  }

  @Test
  void aStartingJobFlinkHasRestartedIsCancelledAtOnce() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String job = status.jobId();
    // Failing over: its tasks deploy again after a failure.
    flink.restarts(job, 2);
    flink.tasks(job, new TaskStates(0, 2, 0, 0, 0, true));

    step(suspended(desired));

    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
  }

  @Test
  void aRescaleOfAJobStillStartingWaitsThenReplacesItWithASavepoint() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String job = status.jobId();
    flink.tasks(job, new TaskStates(0, 2, 0, 0, 0, true));
    DesiredState wider = next(desired, desired.spec().withParallelism(2));

    step(wider);
    assertThat(flink.job(job).state()).isEqualTo("RUNNING");
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message()).contains("replacing it with a savepoint");

    flink.tasksRunning(job, true);
    step(wider);
    step(wider);

    assertOnlySavepoint(SavepointRecord.Kind.RESCALE);
    assertOnlyJob(2, savepoints.get(0).path());
  }

  /**
   * A job restored from its predecessor's checkpoint that cannot run (RESTARTING: no slots since a
   * TaskManager was lost for good); returns that checkpoint.
   */
  private String jobRestoredFromACheckpointThatCannotRun(DesiredState desired) throws Exception {
    Deployed deployed = deployWithCheckpoint(desired, 4);
    String first = deployed.jobId();
    String checkpoint = deployed.checkpoint();
    flink.loseAllJobs();
    step(desired);
    flink.state(status.jobId(), "RESTARTING");
    step(desired);
    return checkpoint;
  }

  @Test
  void reportsASavepointSlowerThanItsTimeoutAsAFailedStep() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    flink.savepointTakes(Duration.ofMinutes(10));

    step(suspended(desired));

    assertThat(status.lastStep().action()).isEqualTo("failed");
    assertThat(status.lastStep().message()).contains("No savepoint outcome");
    assertThat(reasons()).endsWith("ReconcileFailed");
    assertThat(flink.activeJobs()).hasSize(1);
  }

  @Test
  void rescalesWithASavepointInTwoSteps() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String old = status.jobId();
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));

    step(rescaled);
    assertThat(flink.job(old).state()).isEqualTo("FINISHED");
    assertOnlySavepoint(SavepointRecord.Kind.RESCALE);

    step(rescaled);
    assertOnlyJob(2, savepoints.get(0).path());
    // The second step finishes a replacement: no warning of a job lost "outside the control plane".
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
    assertThat(events.get(events.size() - 1).reason()).isEqualTo("JobDeployed");
  }

  @Test
  void replacesWithTheLastCheckpointInLastStateModeAndWithoutStateInStatelessMode()
      throws Exception {
    DesiredState desired = running(1, true, UpgradeMode.LAST_STATE);
    Deployed deployed = deployWithCheckpoint(desired, 3);
    String job = deployed.jobId();
    String checkpoint = deployed.checkpoint();
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));
    step(rescaled);
    step(rescaled);
    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    assertOnlyJobFrom(checkpoint);

    DesiredState stateless =
        next(rescaled, withUpgradeMode(rescaled.spec().withParallelism(1), UpgradeMode.STATELESS));
    step(stateless);
    step(stateless);
    assertOnlyJob(1, null);
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
  }

  @Test
  void aStatelessReplacementStartsEmptyEvenWhenTheReplacedJobLeftACheckpoint() throws Exception {
    DesiredState desired = running(1, true, UpgradeMode.STATELESS);
    String job = deployWithCheckpoint(desired, 4).jobId();
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));

    step(rescaled);
    step(rescaled);
    step(rescaled);

    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    assertOnlyJob(2, null);
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
  }

  @Test
  void cancelsASecondFraudJobAndKeepsTheOneItDeployed() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String ours = status.jobId();
    String intruder = flink.startOutside("b".repeat(32), 1, START.minusSeconds(60));

    step(desired);

    assertThat(flink.job(intruder).state()).isEqualTo("CANCELED");
    assertThat(flink.job(ours).state()).isEqualTo("RUNNING");
    assertThat(reasons()).endsWith("DuplicateJobStopped");
  }

  @Test
  void changesNothingWhileFlinkIsUnreachableAndSaysSoOnce() throws Exception {
    DesiredState desired = running(1);
    flink.unreachable(true);

    step(desired);
    step(desired);

    assertThat(flink.submissions()).isEmpty();
    assertThat(reasons()).containsExactly("FlinkUnreachable");
    flink.unreachable(false);
    step(desired);
    assertThat(reasons()).containsExactly("FlinkUnreachable", "FlinkReachable", "JobDeployed");
  }

  @Test
  void takesNoStepWithoutTheLeadership() throws Exception {
    leadership.leader = false;

    step(running(1));

    assertThat(flink.submissions()).isEmpty();
    assertThat(intents).isEmpty();
  }

  @Test
  void aStaleLeadersRepeatOfAStepIsRefusedByFlinkAsADuplicate() throws Exception {
    DesiredState desired = running(1);
    PipelineStatus seenByBoth = status;
    TestLeadership stale = new TestLeadership();
    PipelineReconciler staleLeader = reconciler(stale);
    step(desired);

    PipelineStatus staleResult = staleLeader.reconcile(desired, emptyObservation(), seenByBoth);

    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(flink.submissions()).hasSize(1);
    assertThat(staleResult.lastStep().message()).contains("already submitted");
  }

  @Test
  void aSuccessorSubmitsAgainTheJobItsPredecessorRecordedSoThePredecessorsLateSubmissionIsRefused()
      throws Exception {
    DesiredState desired = running(1);
    String checkpoint = deployWithCheckpoint(desired, 4).checkpoint();
    flink.loseAllJobs();
    InFlightSubmissions inFlight = new InFlightSubmissions(flink);
    PipelineStatus recorded = recordedByALeaderWhoseSubmissionIsInFlight(desired, inFlight);
    PipelineReconciler successor = reconciler(TestLeadership.alone("cp-c"), flink);

    status = successor.reconcile(desired, observe(null), recorded);

    JobSubmission late = inFlight.inFlight().get(0);
    assertThat(flink.submissions().get(flink.submissions().size() - 1))
        .as("the recorded submission again: same JobID, state, jar, parallelism, guarantee")
        .isEqualTo(late);
    assertThat(late.jobId()).isEqualTo(recorded.jobId());
    assertThat(late.restorePath()).isEqualTo(checkpoint);
    assertThat(status.jobId()).isEqualTo(recorded.jobId());
    assertThatThrownBy(inFlight::land).isInstanceOf(DuplicateJobException.class);
    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(flink.job(recorded.jobId()).state()).isEqualTo("RUNNING");
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("JobRestoredFromLastState");
              assertThat(e.message())
                  .startsWith("Job " + recorded.jobId() + " is not on Flink and was never seen")
                  .contains("submitted again under the same JobID from checkpoint " + checkpoint);
            });
    step(desired);
    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(reasons()).doesNotContain("DuplicateJobStopped");
  }

  @Test
  void aSuccessorWhoseSubmissionComesSecondIsRefusedAndKeepsTheJobItsPredecessorStarted()
      throws Exception {
    DesiredState desired = running(1);
    deployWithCheckpoint(desired, 4);
    flink.loseAllJobs();
    InFlightSubmissions inFlight = new InFlightSubmissions(flink);
    PipelineStatus recorded = recordedByALeaderWhoseSubmissionIsInFlight(desired, inFlight);
    PipelineReconciler successor = reconciler(TestLeadership.alone("cp-c"), flink);
    // The successor observes before the predecessor's submission lands, and submits after.
    ObservedPipeline beforeItLanded = observe(null);
    inFlight.land();

    status = successor.reconcile(desired, beforeItLanded, recorded);

    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(flink.job(recorded.jobId()).state()).isEqualTo("RUNNING");
    assertThat(status.jobId()).isEqualTo(recorded.jobId());
    assertThat(status.lastStep().message()).contains("already submitted");
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("JobAdopted");
              assertThat(e.message())
                  .contains("Flink already had job " + recorded.jobId())
                  .contains("no second job was started");
            });
    reconciler = successor;
    step(desired);
    assertThat(status.lastStep().action()).isEqualTo("none");
    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(reasons()).doesNotContain("DuplicateJobStopped");
  }

  @Test
  void aSuccessorTellsARecordedSubmissionFromTheStatusNotFromTheWordingOfItsSteps()
      throws Exception {
    DesiredState desired = running(1);
    deployWithCheckpoint(desired, 4);
    flink.loseAllJobs();
    InFlightSubmissions inFlight = new InFlightSubmissions(flink);
    PipelineStatus recorded =
        reworded(recordedByALeaderWhoseSubmissionIsInFlight(desired, inFlight));
    PipelineReconciler successor = reconciler(TestLeadership.alone("cp-c"), flink);

    status = successor.reconcile(desired, observe(null), recorded);

    assertThat(flink.submissions().get(flink.submissions().size() - 1).jobId())
        .as("the recorded job again, however its steps are worded")
        .isEqualTo(recorded.jobId());
    assertThat(events.get(events.size() - 1).message())
        .startsWith("Job " + recorded.jobId() + " is not on Flink and was never seen");
  }

  @Test
  void aRefusedSubmissionIsToldFromTheStatusNotFromTheWordingOfItsSteps() throws Exception {
    DesiredState desired = running(1);
    flink.refuseSubmissions("Could not run the jar");
    step(desired);
    String refused = status.jobId();
    status = reworded(status);
    flink.refuseSubmissions(null);
    clock.advance(Duration.ofSeconds(11));

    step(desired);

    assertThat(flink.submissions().get(flink.submissions().size() - 1).jobId())
        .as("the refused job again, however its steps are worded")
        .isEqualTo(refused);
    assertThat(events.get(events.size() - 1).message())
        .startsWith("Job " + refused + " was never started on Flink (its submission failed)");
  }

  /** The status with every step's message worded otherwise, naming no job. */
  private static PipelineStatus reworded(PipelineStatus status) {
    List<ReconcileStep> steps =
        status.recentSteps().stream()
            .map(
                s ->
                    new ReconcileStep(
                        s.at(), s.action(), "reworded " + s.action(), s.replica(), s.epoch()))
            .toList();
    PipelineStatus.Builder next = status.toBuilder();
    next.recentSteps = steps;
    next.lastStep = steps.get(steps.size() - 1);
    return next.build();
  }

  /**
   * What a leader (cp-b) leaves when it loses the leadership while Flink has not answered its run
   * request yet: the status it recorded before submitting, which its successor reads.
   */
  private PipelineStatus recordedByALeaderWhoseSubmissionIsInFlight(
      DesiredState desired, InFlightSubmissions inFlight) throws InterruptedException {
    TestLeadership cpB = TestLeadership.alone("cp-b");
    int before = intents.size();
    reconciler(cpB, inFlight).reconcile(desired, observe(null), status);
    cpB.leader = false;
    assertThat(intents).hasSize(before + 1);
    assertThat(inFlight.inFlight()).hasSize(1);
    assertThat(flink.activeJobs()).isEmpty();
    events.clear();
    return intents.get(intents.size() - 1);
  }

  @Test
  void startsFromTheRequestedSavepointOnceForANewRestoreGeneration() throws Exception {
    DesiredState desired = running(1);
    String job = deployWithCheckpoint(desired, 9).jobId();
    PipelineSpec fromSavepoint =
        new PipelineSpec(
            PipelineState.RUNNING,
            1,
            DeliveryGuarantee.EXACTLY_ONCE,
            UpgradeMode.SAVEPOINT,
            SuspendMode.SAVEPOINT,
            true,
            "file:/sp/chosen",
            false,
            null);
    DesiredState restore =
        new DesiredState(
            desired.version() + 1,
            desired.pipelineId(),
            fromSavepoint,
            desired.version() + 1,
            clock.instant(),
            "test",
            "test");

    step(restore);
    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    step(restore);

    assertOnlyJobFrom("file:/sp/chosen");
    assertThat(status.lineage()).isEqualTo(restore.version());
  }

  @Test
  void aRestoreOfARetainedCheckpointNamesItACheckpointNotASavepoint() throws Exception {
    // restore.latest picks the last job's retained checkpoint when it is the newest state; its
    // steps called it "savepoint …/chk-9".
    DesiredState desired = running(1);
    String retained = deployWithCheckpoint(desired, 9).checkpoint();
    DesiredState restore = restoreFrom(desired, retained);

    step(restore);
    assertThat(status.lastStep().message())
        .contains("a restore from checkpoint " + retained + " was asked for")
        .doesNotContain("savepoint " + retained);
    step(restore);

    assertOnlyJobFrom(retained);
    assertThat(status.lastStep().message())
        .contains("from checkpoint " + retained)
        .doesNotContain("savepoint " + retained);
    assertThat(status.lastState().kind()).isEqualTo(RestorePoint.Kind.CHECKPOINT);
  }

  @Test
  void clearingARestorePathFlinkCannotReadGoesBackToTheStateBeforeTheRequest() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 9);
    String replaced = deployed.jobId();
    String before = deployed.checkpoint();
    DesiredState restore = restoreFrom(desired, "file:/sp/mistyped");
    step(restore);
    step(restore);
    String failed = status.jobId();
    flink.fail(failed, "java.io.FileNotFoundException: Cannot find checkpoint or savepoint file");
    step(restore);
    clock.advance(Duration.ofSeconds(10));
    step(restore);
    assertThat(flink.activeJobs())
        .as("without a change, a failed restore is retried from the requested path")
        .singleElement()
        .extracting(j -> j.restoredFrom())
        .isEqualTo("file:/sp/mistyped");
    flink.fail(status.jobId(), "java.io.FileNotFoundException: Cannot find checkpoint");
    // Its old checkpoints stay in the storage, but the request replaced them: never found instead.
    step(restore);
    clock.advance(Duration.ofSeconds(20));
    step(restore);
    assertOnlyJobFrom("file:/sp/mistyped");
    flink.fail(status.jobId(), "java.io.FileNotFoundException: Cannot find checkpoint");

    DesiredState cleared = next(restore, withRestorePath(restore.spec(), null));
    step(cleared);

    assertOnlyJobFrom(before);
    assertThat(status.lastState().path()).isEqualTo(before);
    assertThat(status.replacedState()).isNull();
    assertThat(events.get(events.size() - 1).message()).contains("withdrawn", "file:/sp/mistyped");
  }

  @Test
  void aJobThatRanFromTheRequestedStateKeepsItAfterThePathIsCleared() throws Exception {
    DesiredState desired = running(1);
    String replaced = deployWithCheckpoint(desired, 9).jobId();
    DesiredState restore = restoreFrom(desired, "file:/sp/chosen");
    step(restore);
    step(restore);
    String restored = status.jobId();
    clock.advance(Duration.ofSeconds(5));
    String own = checkpoint(restored, 1);
    flink.completeCheckpoint(restored, 1, own, clock.instant());
    step(restore);
    assertThat(status.replacedState()).isNull();
    flink.fail(restored, "java.lang.RuntimeException: boom");

    DesiredState cleared = next(restore, withRestorePath(restore.spec(), null));
    step(cleared);
    clock.advance(Duration.ofSeconds(10));
    step(cleared);

    assertOnlyJobFrom(own);
  }

  @Test
  void waitsAndRetriesWithBackoffWhenFlinkRefusesTheSubmission() throws Exception {
    DesiredState desired = running(1);
    flink.refuseSubmissions("Could not run the jar");

    step(desired);
    assertThat(status.lastStep().action()).isEqualTo("failed");
    assertThat(reasons()).containsExactly("ReconcileFailed");
    step(desired);
    assertThat(status.lastStep().action()).isEqualTo("wait");

    flink.refuseSubmissions(null);
    clock.advance(Duration.ofSeconds(11));
    step(desired);
    assertThat(flink.activeJobs()).hasSize(1);
  }

  @Test
  void aJobWhoseReplicaStoppedBeforeRecordingItsSubmissionIsNotSaidToHaveBeenLostByFlink()
      throws Exception {
    DesiredState desired = running(1);
    String first = deployWithCheckpoint(desired, 4).jobId();
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));
    // The leader records the replacement job and stops before Flink has it (here Flink refuses
    // it, which keeps it off Flink): its successor reads the status as the intent left it.
    flink.refuseSubmissions("the leader stopped");
    for (int i = 0; i < 3 && intents.get(intents.size() - 1).jobId().equals(first); i++) {
      step(rescaled);
    }
    PipelineStatus intent = intents.get(intents.size() - 1);
    String neverStarted = intent.jobId();
    assertThat(neverStarted).isNotEqualTo(first);
    assertThat(flink.job(neverStarted)).isNull();
    status = intent;
    flink.refuseSubmissions(null);
    events.clear();

    step(rescaled);

    assertThat(flink.activeJobs())
        .singleElement()
        .satisfies(j -> assertThat(j.parallelism()).isEqualTo(2));
    assertThat(flink.job(neverStarted).state()).isEqualTo("RUNNING");
    assertThat(events)
        .filteredOn(e -> e.reason().equals("JobRestoredFromLastState"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .startsWith(
                        "Job "
                            + neverStarted
                            + " is not on Flink and was never seen there (the replica deploying it"
                            + " recorded no answer from Flink: it stopped or lost the leadership"
                            + " before, or its submission is still under way); submitted again"
                            + " under the same JobID from")
                    .doesNotContain("no longer on Flink"));
  }

  @Test
  void aSubmissionCutShortByTheReplicasShutdownRecordsNoFailureAndTheNextLeaderAdoptsTheJob()
      throws Exception {
    DesiredState desired = running(1);
    // Flink takes the run request; the replica's shutdown then interrupts the reconciler's thread
    // while it asks Flink about the job, and the REST client throws as it does then (the
    // interrupt kept).
    TestingFlinkService interrupted =
        new TestingFlinkService(clock) {
          private boolean interrupt = true;

          @Override
          public void submit(JobSubmission submission) {
            super.submit(submission);
            if (interrupt) {
              interrupt = false;
              Thread.currentThread().interrupt();
              throw new io.fraudpipeline.flink.FlinkUnavailableException(
                  "Interrupted while calling Flink: GET /jobs/" + submission.jobId(), null);
            }
          }
        };
    ObservedPipeline nothingYet = new PipelineObserver(interrupted, () -> null, clock).observe();

    assertThatThrownBy(
            () -> reconciler(leadership, interrupted).reconcile(desired, nothingYet, status))
        .isInstanceOf(InterruptedException.class);

    assertThat(events).as("nothing pages anyone for a planned shutdown").isEmpty();
    PipelineStatus intent = intents.get(intents.size() - 1);
    assertThat(intent.jobSubmission()).isEqualTo(PipelineStatus.Submission.PENDING);

    // The next leader starts from the intent the stopped one wrote.
    status = intent;
    status =
        reconciler(leadership, interrupted)
            .reconcile(
                desired, new PipelineObserver(interrupted, () -> null, clock).observe(), status);

    assertThat(interrupted.activeJobs()).hasSize(1);
    assertThat(interrupted.job(intent.jobId()).state()).isEqualTo("RUNNING");
    assertThat(status.jobSubmission()).isEqualTo(PipelineStatus.Submission.ACCEPTED);
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
  }

  @Test
  void aRescaleDuringWhichFlinkStopsAnsweringWaitsForFlinkInsteadOfFailing() throws Exception {
    DesiredState desired = running(1);
    String first = deployWithCheckpoint(desired, 3).jobId();
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));
    // Observed while Flink answered; its JobManager then restarts (503 during the leader election).
    ObservedPipeline before = observe(null);
    flink.unreachable(true);

    status = reconciler.reconcile(rescaled, before, status);

    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(reasons()).doesNotContain("ReconcileFailed").endsWith("FlinkUnreachable");

    flink.unreachable(false);
    step(rescaled); // the stop with savepoint
    step(rescaled); // the deploy from it

    assertThat(flink.activeJobs())
        .singleElement()
        .satisfies(job -> assertThat(job.parallelism()).isEqualTo(2));
    assertThat(status.jobId()).isNotEqualTo(first);
    assertThat(reasons()).contains("FlinkReachable").doesNotContain("ReconcileFailed");
  }

  @Test
  void aRescaleOfAJobAReplacedJobManagerNoLongerKnowsWaitsInsteadOfFailingThenDeploysItOnce()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 3);
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));
    // Observed while it ran; its JobManager is then replaced without HA: 404 for the job.
    ObservedPipeline before = observe(null);
    flink.loseAllJobs();

    status = reconciler.reconcile(rescaled, before, status);

    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message()).contains("does not know job " + deployed.jobId());
    assertThat(reasons()).doesNotContain("ReconcileFailed");

    step(rescaled);

    assertOnlyJob(2, deployed.checkpoint());
    assertThat(reasons()).doesNotContain("ReconcileFailed");
  }

  @Test
  void aJobAJobManagerWithHaAnswered404ForIsTakenDownOnTheNextPassAndNothingRunsBesideIt()
      throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String job = status.jobId();
    DesiredState cancelled =
        next(desired, desired.spec().withState(PipelineState.SUSPENDED, SuspendMode.CANCEL));
    flink.answerTheNextCommandBeforeRecoveringTheJob();

    step(cancelled);

    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.suspended()).isFalse();
    assertThat(reasons()).doesNotContain("ReconcileFailed");

    step(cancelled); // the recovered job is observed again

    assertThat(flink.job(job).state()).isEqualTo("CANCELED");
    assertThat(status.suspended()).isTrue();
    assertThat(flink.submissions())
        .singleElement()
        .satisfies(s -> assertThat(s.jobId()).isEqualTo(job));
  }

  @Test
  void aJobFlinkListsButKeepsAnsweringItDoesNotKnowIsReportedOnceAndNothingRunsBesideIt()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 3);
    String unknown = deployed.jobId();
    DesiredState rescaled = next(desired, desired.spec().withParallelism(2));
    flink.neverRecover(unknown);

    step(rescaled);
    clock.advance(TestReconcilerProperties.UNKNOWN_JOB_TIMEOUT.minusSeconds(2));
    step(rescaled);

    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message())
        .contains("does not know job " + unknown)
        .contains("answered so since " + START);
    assertThat(status.unhealthy()).isNull();
    assertThat(reasons()).doesNotContain("JobUnhealthy", "ReconcileFailed");

    clock.advance(Duration.ofSeconds(2));
    step(rescaled);

    assertThat(status.lastStep().action()).isEqualTo("report-unhealthy");
    assertThat(status.unhealthy())
        .contains("does not know it since " + START)
        .contains("fraud.reconciler.unknown-job-timeout");
    assertThat(status.unhealthyJobId()).isEqualTo(unknown);
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("JobUnhealthy");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
              assertThat(e.jobId()).isEqualTo(unknown);
            });
    assertThat(flink.submissions()).hasSize(1);

    // While Flink lists it, it may still run: nothing is deployed beside it, nothing reported
    // again.
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      step(rescaled);
    }
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.unhealthyJobId()).isEqualTo(unknown);
    assertThat(flink.submissions()).hasSize(1);
    assertThat(reasons().stream().filter("JobUnhealthy"::equals)).hasSize(1);

    flink.recovered(unknown);
    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofSeconds(2));
      step(rescaled);
    }

    // Once Flink answers for it again, the rescale goes on from the job itself.
    assertOnlySavepoint(SavepointRecord.Kind.RESCALE);
    assertOnlyJob(2, savepoints.get(0).path());
    assertThat(flink.submissions()).hasSize(2);
    assertThat(reasons().stream().filter("JobUnhealthy"::equals)).hasSize(1);
    assertThat(reasons()).doesNotContain("ReconcileFailed");
  }

  @Test
  void theWaitForAJobFlinkDoesNotKnowStartsAgainOnceFlinkAnswersForIt() throws Exception {
    DesiredState desired = running(1);
    String job = deployWithCheckpoint(desired, 3).jobId();
    DesiredState cancelled =
        next(desired, desired.spec().withState(PipelineState.SUSPENDED, SuspendMode.CANCEL));
    flink.answerTheNextCommandBeforeRecoveringTheJob();
    step(cancelled);
    assertThat(status.lastStep().action()).isEqualTo("wait");
    DesiredState running = next(cancelled, desired.spec());
    clock.advance(TestReconcilerProperties.UNKNOWN_JOB_TIMEOUT.minusSeconds(10));
    step(running); // the job runs as desired: nothing asked of Flink for it

    clock.advance(Duration.ofSeconds(20));
    flink.answerTheNextCommandBeforeRecoveringTheJob();
    step(next(running, cancelled.spec()));

    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message()).doesNotContain("answered so since");
    assertThat(String.valueOf(status.unhealthy())).doesNotContain("does not know");
    assertThat(flink.job(job).state()).isEqualTo("RUNNING");
  }

  @Test
  void aSubmissionFlinkStopsAnsweringDuringIsSubmittedAgainUnderItsJobIdOnceFlinkAnswers()
      throws Exception {
    DesiredState desired = running(1);
    ObservedPipeline nothingYet = observe(null);
    flink.unreachable(true);

    status = reconciler.reconcile(desired, nothingYet, status);

    String intended = status.jobId();
    assertThat(intended).isNotNull();
    assertThat(status.jobSubmission()).isEqualTo(PipelineStatus.Submission.PENDING);
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.notBefore()).as("no back-off: Flink refused nothing").isNull();
    assertThat(reasons()).doesNotContain("ReconcileFailed");

    flink.unreachable(false);
    step(desired);

    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(flink.job(intended).state()).isEqualTo("RUNNING");
    assertThat(status.jobSubmission()).isEqualTo(PipelineStatus.Submission.ACCEPTED);
  }

  @Test
  void aSubmissionFlinkDidNotAnswerInTimeIsBackedOffAsARefusal() throws Exception {
    // A run request Flink took but did not answer (a jar whose main() hangs): asking again at once,
    // pass after pass, would only pile up hanging requests.
    TestingFlinkService slow =
        new TestingFlinkService(clock) {
          @Override
          public void submit(JobSubmission submission) {
            throw new io.fraudpipeline.flink.FlinkUnavailableException(
                "Flink did not answer POST /jars/…/run within PT1M",
                new java.util.concurrent.TimeoutException());
          }
        };

    status =
        reconciler(leadership, slow)
            .reconcile(running(1), new PipelineObserver(slow, () -> null, clock).observe(), status);

    assertThat(status.jobSubmission()).isEqualTo(PipelineStatus.Submission.REFUSED);
    assertThat(status.notBefore()).isNotNull();
    assertThat(status.lastStep().action()).isEqualTo("failed");
  }

  @Test
  void aJobFlinkRefusedIsSaidToHaveNeverStartedWhenItIsDeployedAgain() throws Exception {
    DesiredState desired = running(1);
    flink.refuseSubmissions("Could not run the jar");
    step(desired);
    String refused = status.jobId();
    flink.refuseSubmissions(null);
    clock.advance(Duration.ofSeconds(11));

    step(desired);

    assertThat(flink.activeJobs()).hasSize(1);
    // Under its own JobID: a submission whose answer was lost may still have reached Flink.
    assertThat(flink.job(refused).state()).isEqualTo("RUNNING");
    assertThat(events.get(events.size() - 1).message())
        .startsWith("Job " + refused + " was never started on Flink (its submission failed)")
        .doesNotContain("no longer on Flink");
  }

  @Test
  void keepsTheOffsetsOfACheckpointAndWarnsWhenRetentionDeletedRecordsAfterThem() throws Exception {
    retention =
        new TransactionsRetention() {
          @Override
          public Map<Integer, Long> committedOffsets() {
            return Map.of(0, 100L, 1, 120L);
          }

          @Override
          public RestoreSafety assess(Map<Integer, Long> offsets) {
            // Retention moved partition 0's earliest offset 50 records past the checkpoint.
            return RestoreSafety.of(offsets, Map.of(0, 150L, 1, 100L));
          }
        };
    reconciler = reconciler(leadership);
    DesiredState desired = running(1);
    String job = deployWithCheckpoint(desired, 4).jobId();
    assertThat(status.lastState().transactionsOffsets()).isEqualTo(Map.of(0, 100L, 1, 120L));

    flink.loseAllJobs();
    step(desired);

    assertThat(flink.activeJobs()).hasSize(1);
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("DataLoss");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
              assertThat(e.message()).contains("deleted 50 transactions records");
            });
  }

  // Upgrades onto another jar.

  private static final String NEW_JAR = "b".repeat(64);

  @Test
  void upgradesToTheDesiredJarFromASavepointAndSucceedsOnceTheNewJobIsReady() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    String old = status.jobId();
    assertThat(flink.job(old).jar()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));

    step(upgrade);
    assertThat(flink.job(old).state()).isEqualTo("FINISHED");
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.REPLACING);
    assertThat(savepoints)
        .singleElement()
        .satisfies(
            sp -> {
              assertThat(sp.kind()).isEqualTo(SavepointRecord.Kind.UPGRADE);
              assertThat(sp.jarSha256()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
            });
    String savepoint = savepoints.get(0).path();

    step(upgrade);
    String upgraded = status.jobId();
    assertThat(flink.job(upgraded).jar()).isEqualTo(NEW_JAR);
    assertThat(flink.job(upgraded).restoredFrom()).isEqualTo(savepoint);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.AWAITING_READINESS);
    assertThat(status.upgrade().readyBy()).isEqualTo(clock.instant().plus(Duration.ofMinutes(3)));

    step(upgrade);
    assertThat(status.lastStep().message()).contains("has completed no checkpoint yet");
    clock.advance(Duration.ofSeconds(20));
    flink.completeCheckpoint(upgraded, 1, checkpoint(upgraded, 1), clock.instant());
    step(upgrade);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    assertThat(status.jobJarSha256()).isEqualTo(NEW_JAR);
    assertThat(reasons()).contains("UpgradeStarted").endsWith("UpgradeSucceeded");
    assertThat(proposed).as("a successful upgrade changes no desired state").isEmpty();
    step(upgrade);
    assertThat(flink.submissions()).hasSize(2);
  }

  @Test
  void rollsBackToThePreviousJarFromTheUpgradeSavepointWhenTheNewJobIsNotReadyInTime()
      throws Exception {
    BrokenUpgrade brokenUpgrade = upgradedToABrokenJar();
    DesiredState upgrade = brokenUpgrade.upgrade();
    String savepoint = brokenUpgrade.savepoint();
    String broken = brokenUpgrade.jobId();
    assertThat(status.lastStep().message()).contains("does not run every task");
    assertThat(flink.job(broken).state()).isEqualTo("RUNNING");

    clock.advance(Duration.ofMinutes(3).plusSeconds(1));
    step(upgrade);

    assertThat(flink.job(broken).state()).isEqualTo("CANCELED");
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason()).contains("not ready within PT3M");
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    DesiredState rollback = proposed.get(0);
    assertThat(rollback.version()).isEqualTo(upgrade.version() + 1);
    assertThat(rollback.spec().jarSha256()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
    assertThat(rollback.cause()).startsWith("rollback of the upgrade to jar bbbbbbbbbbbb");
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("UpgradeRolledBack");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
            });

    step(rollback);

    Job back = flink.job(status.jobId());
    assertThat(back.state()).isEqualTo("RUNNING");
    assertThat(back.jar()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
    assertThat(back.restoredFrom()).as("the state from before the upgrade").isEqualTo(savepoint);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLED_BACK);
    // Every step of the way, not only the last: an operation following it reads them all.
    assertThat(status.recentSteps()).last().isEqualTo(status.lastStep());
    assertThat(status.recentSteps())
        .extracting(ReconcileStep::message)
        .anySatisfy(m -> assertThat(m).contains("stopped with savepoint " + savepoint))
        .anySatisfy(m -> assertThat(m).contains("does not run every task"))
        .anySatisfy(m -> assertThat(m).contains("Rolled back to jar"));
    step(rollback);
    assertThat(flink.activeJobs()).hasSize(1);
  }

  @Test
  void rollsBackAtOnceWhenTheNewJobFails() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    step(upgrade);
    flink.fail(status.jobId(), "java.lang.NoSuchMethodError: broken build");

    step(upgrade);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason()).contains("FAILED: java.lang.NoSuchMethodError");
    step(proposed.get(0));
    assertThat(flink.activeJobs())
        .singleElement()
        .extracting(Job::jar)
        .isEqualTo(TestingFlinkService.SHIPPED_JAR);
  }

  @Test
  void rollsBackAsSoonAsTheNewJobHasRestartedAsOftenAsMakesARunningJobUnhealthy() throws Exception {
    // Probe 9 (P9-7): a new job in Flink's restart loop was waited on for the whole 3 min.
    DesiredState desired = running(1);
    step(desired);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    String savepoint = savepoints.get(0).path();
    step(upgrade);
    String looping = status.jobId();
    flink.state(looping, "RESTARTING");
    flink.restarts(looping, 2);
    clock.advance(Duration.ofSeconds(10));
    step(upgrade);
    assertThat(status.upgrade().phase())
        .as("two restarts: fewer than unhealthy.max-restarts")
        .isEqualTo(Upgrade.Phase.AWAITING_READINESS);

    flink.restarts(looping, 3);
    clock.advance(Duration.ofSeconds(10));
    step(upgrade);

    assertThat(flink.job(looping).state()).isEqualTo("CANCELED");
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason())
        .contains("job " + looping + " restarted 3 times within PT5M")
        .contains("fraud.reconciler.unhealthy.max-restarts");
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    step(proposed.get(0));
    onlyThePreviousJarRunsFrom(savepoint);
  }

  @Test
  void aNewJobInARestartLoopIsNotReadyEvenWithACheckpointBetweenItsRestarts() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    step(upgrade);
    String looping = status.jobId();
    clock.advance(Duration.ofSeconds(30));
    flink.restarts(looping, 3);
    flink.completeCheckpoint(looping, 1, checkpoint(looping, 1), clock.instant());

    step(upgrade);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason()).contains("restarted 3 times");
  }

  @Test
  void rollsBackAtOnceWhenFlinkRefusesToRunTheNewJar() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    flink.refuseJar(NEW_JAR, "java.lang.ClassNotFoundException: io.fraudpipeline.job.Missing");
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    String savepoint = savepoints.get(0).path();
    step(upgrade);
    assertThat(flink.activeJobs()).isEmpty();
    assertThat(status.lastStep().action()).isEqualTo("failed");

    step(upgrade);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason())
        .contains("Flink refused to run job")
        .contains("ClassNotFoundException");
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    step(proposed.get(0));
    onlyThePreviousJarRunsFrom(savepoint);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLED_BACK);
  }

  @Test
  void rollsBackAReleaseThatStartsCrashLoopingWithinTheWatchPeriodFromItsNewestCheckpoint()
      throws Exception {
    DesiredState upgrade = upgradedAndReady();
    String release = status.jobId();
    String savepoint = savepoints.get(0).path();
    assertThat(status.upgrade().watchedUntil()).isEqualTo(clock.instant().plus(WATCH_PERIOD));
    clock.advance(Duration.ofMinutes(2));
    String newest = checkpoint(release, 5);
    flink.completeCheckpoint(release, 5, newest, clock.instant());
    step(upgrade);

    crashLoop(release);
    step(upgrade);

    assertThat(flink.job(release).state()).isEqualTo("CANCELED");
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason())
        .contains("job " + release + " restarted 3 times within PT5M")
        .contains("after it was ready, within the watch period of PT10M");
    assertThat(status.upgrade().rollbackPoint().path())
        .as("not the savepoint from before the upgrade: the release committed alerts since")
        .isEqualTo(newest);
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    DesiredState rollback = proposed.get(0);
    assertThat(rollback.spec().jarSha256()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
    assertThat(rollback.cause()).startsWith("rollback of the upgrade to jar bbbbbbbbbbbb");
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("UpgradeRolledBack");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
              assertThat(e.message()).contains("the release's newest state");
            });
    assertThat(reasons()).doesNotContain("JobUnhealthy");

    step(rollback);

    String backId = status.jobId();
    Job back = flink.job(backId);
    assertThat(back.jar()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
    assertThat(back.restoredFrom()).isEqualTo(newest).isNotEqualTo(savepoint);
    assertThat(status.upgrade().phase())
        .as("the previous jar must show it runs from the release's state")
        .isEqualTo(Upgrade.Phase.ROLLING_BACK);
    step(rollback);
    assertThat(status.lastStep().message()).contains("has completed no checkpoint yet");

    flink.completeCheckpoint(backId, 6, checkpoint(backId, 6), clock.instant());
    step(rollback);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLED_BACK);
    assertThat(status.lastStep().message()).contains("runs again from checkpoint " + newest);
    step(rollback);
    assertThat(flink.activeJobs()).singleElement().isEqualTo(flink.job(backId));
  }

  @Test
  void rollsBackAReleaseThatFailsWithinTheWatchPeriodRatherThanRestartIt() throws Exception {
    DesiredState upgrade = upgradedAndReady();
    String release = status.jobId();
    String newest = status.lastState().path();
    flink.fail(release, "java.lang.NoSuchMethodError: velocity rule");

    step(upgrade);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason()).contains("FAILED (java.lang.NoSuchMethodError");
    assertThat(reasons()).endsWith("UpgradeRolledBack");
    step(proposed.get(0));
    onlyThePreviousJarRunsFrom(newest);
  }

  @Test
  void aReleaseThatCrashLoopsAfterTheWatchPeriodIsOnlyReportedUnhealthy() throws Exception {
    DesiredState upgrade = upgradedAndReady();
    String release = status.jobId();
    for (long id = 2; clock.instant().isBefore(status.upgrade().watchedUntil()); id++) {
      clock.advance(Duration.ofSeconds(30));
      flink.completeCheckpoint(release, id, checkpoint(release, id), clock.instant());
      step(upgrade);
    }

    crashLoop(release);
    flink.state(release, "RUNNING");
    step(upgrade);

    assertThat(flink.job(release).state()).isEqualTo("RUNNING");
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    assertThat(proposed).isEmpty();
    assertThat(reasons()).endsWith("JobUnhealthy").doesNotContain("UpgradeRolledBack");
  }

  @Test
  void aCrashLoopingReleaseIsNotRolledBackOnceTheDesiredStateNamesAnotherJar() throws Exception {
    DesiredState upgrade = upgradedAndReady();
    String release = status.jobId();
    String fixed = "d".repeat(64);
    DesiredState fix = next(upgrade, upgrade.spec().withJar(fixed, UpgradeMode.SAVEPOINT));

    crashLoop(release);
    step(fix);

    assertThat(flink.job(release).state()).isEqualTo("CANCELED");
    assertThat(proposed).as("no rollback recorded over the user's choice").isEmpty();
    assertThat(status.upgrade().toJar()).isEqualTo(fixed);
    assertThat(status.upgrade().fromJar()).isEqualTo(NEW_JAR);
    assertThat(reasons()).endsWith("UpgradeStarted").doesNotContain("UpgradeRolledBack");
  }

  @Test
  void aLeaderThatTakesOverMidRollbackFinishesItWithOneJob() throws Exception {
    DesiredState upgrade = upgradedAndReady();
    String release = status.jobId();
    String newest = status.lastState().path();
    crashLoop(release);
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    DesiredState rollback = proposed.get(0);
    PipelineStatus written = status;
    // The leader loses the leadership before it deploys the previous jar; another takes over
    // from the status it wrote.
    leadership.leader = false;
    PipelineReconciler successor = reconciler(TestLeadership.alone("cp-b"));

    status = reconciler.reconcile(rollback, observe(null), written);
    assertThat(flink.activeJobs()).isEmpty();
    status = successor.reconcile(rollback, observe(null), written);
    status = successor.reconcile(rollback, observe(null), status);
    status = reconciler.reconcile(rollback, observe(null), status);

    onlyThePreviousJarRunsFrom(newest);
    assertThat(proposed).hasSize(1);
  }

  @Test
  void aLeaderThatDiesAfterRecordingTheRollbackButNotItsStatusLeavesTheReleaseRejected()
      throws Exception {
    DesiredState upgrade = upgradedAndReady();
    String release = status.jobId();
    String newest = status.lastState().path();
    PipelineStatus lastWritten = status;
    crashLoop(release);
    step(upgrade);
    DesiredState rollback = proposed.get(0);
    assertThat(rollback.rollbackOf()).isEqualTo(NEW_JAR);
    // The status saying so was never written: the successor finds the release cancelled and the
    // desired state naming the previous jar.
    PipelineReconciler successor = reconciler(TestLeadership.alone("cp-b"));

    status = successor.reconcile(rollback, observe(null), lastWritten);

    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().rollbackPoint().path()).isEqualTo(newest);
    assertThat(status.upgrade().reason()).contains("job " + release + " restarted 3 times");
    assertThat(reasons()).endsWith("UpgradeRolledBack");
    status = successor.reconcile(rollback, observe(null), status);
    onlyThePreviousJarRunsFrom(newest);
    String back = status.jobId();
    flink.completeCheckpoint(back, 6, checkpoint(back, 6), clock.instant());
    status = successor.reconcile(rollback, observe(null), status);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLED_BACK);
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    assertThat(status.supersededJars()).doesNotContain(NEW_JAR);
    assertThat(proposed).hasSize(1);
  }

  @Test
  void thePreviousJarFailingAfterALeaderDiedMidRollbackStopsRatherThanGoBackToTheRelease()
      throws Exception {
    DesiredState upgrade = upgradedAndReady();
    PipelineStatus lastWritten = status;
    crashLoop(status.jobId());
    step(upgrade);
    DesiredState rollback = proposed.get(0);
    PipelineReconciler successor = reconciler(TestLeadership.alone("cp-b"));
    status = successor.reconcile(rollback, observe(null), lastWritten);
    status = successor.reconcile(rollback, observe(null), status);
    String back = status.jobId();
    flink.fail(back, "org.apache.flink.util.StateMigrationException: incompatible state");

    for (int i = 0; i < 3; i++) {
      status = successor.reconcile(rollback, observe(null), status);
    }

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.FAILED);
    assertThat(status.upgrade().reason()).contains("the rollback failed");
    assertThat(proposed).as("no way back to the rejected release").hasSize(1);
    assertThat(flink.activeJobs()).isEmpty();
  }

  @Test
  void aLeaderThatDiesAfterRecordingARollbackBeforeReadinessLeavesTheReleaseRejected()
      throws Exception {
    BrokenUpgrade brokenUpgrade = upgradedToABrokenJar();
    DesiredState upgrade = brokenUpgrade.upgrade();
    String savepoint = brokenUpgrade.savepoint();
    String broken = brokenUpgrade.jobId();
    PipelineStatus lastWritten = status;
    clock.advance(Duration.ofMinutes(3).plusSeconds(1));
    step(upgrade);
    DesiredState rollback = proposed.get(0);
    // Its leader dies before writing the status: the successor reads the one before.
    PipelineReconciler successor = reconciler(TestLeadership.alone("cp-b"));

    status = successor.reconcile(rollback, observe(null), lastWritten);

    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    assertThat(status.upgrade().reason()).contains("not ready within PT3M");
    status = successor.reconcile(rollback, observe(null), status);
    assertThat(flink.job(broken).state()).isEqualTo("CANCELED");
    assertThat(flink.activeJobs())
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.jar()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
              assertThat(j.restoredFrom())
                  .as("the state from before the upgrade, as its leader would have")
                  .isEqualTo(savepoint);
            });
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLED_BACK);
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
    assertThat(proposed).hasSize(1);
  }

  @Test
  void thePreviousJarFailingOnTheReleasesStateStopsRatherThanGoBackToTheRelease() throws Exception {
    DesiredState upgrade = upgradedAndReady();
    crashLoop(status.jobId());
    step(upgrade);
    DesiredState rollback = proposed.get(0);
    step(rollback);
    String back = status.jobId();
    flink.fail(back, "org.apache.flink.util.StateMigrationException: incompatible state");

    step(rollback);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.FAILED);
    assertThat(status.upgrade().reason()).contains("the rollback failed: job " + back + " FAILED");
    assertThat(status.gaveUp()).contains("Nothing more is tried");
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("UpgradeFailed");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
              assertThat(e.message()).contains("cannot run from the release's newest state");
            });
    int submitted = flink.submissions().size();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      step(rollback);
    }
    assertThat(flink.submissions()).hasSize(submitted);
    assertThat(flink.activeJobs()).isEmpty();
    assertThat(proposed).hasSize(1);
  }

  @Test
  void thePreviousJarCrashLoopingOnTheReleasesStateIsCancelledAndNotTriedAgain() throws Exception {
    DesiredState upgrade = upgradedAndReady();
    crashLoop(status.jobId());
    step(upgrade);
    DesiredState rollback = proposed.get(0);
    step(rollback);
    String back = status.jobId();

    crashLoop(back);
    step(rollback);

    assertThat(flink.job(back).state()).isEqualTo("CANCELED");
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.FAILED);
    assertThat(status.lastStep().action()).isEqualTo("rollback-failed");
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(1));
      step(rollback);
    }
    assertThat(flink.activeJobs()).isEmpty();
    assertThat(proposed).hasSize(1);
  }

  /**
   * The shipped jar's job, upgraded in savepoint mode to {@link #NEW_JAR}, whose tasks never run.
   */
  private BrokenUpgrade upgradedToABrokenJar() throws Exception {
    DesiredState desired = running(1);
    step(desired);
    flink.breakJar(NEW_JAR);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    String savepoint = savepoints.get(0).path();
    return new BrokenUpgrade(upgrade, savepoint, deployWithCheckpoint(upgrade, 1).jobId());
  }

  /** The upgrade, the savepoint the old job was stopped with, and the broken new job. */
  private record BrokenUpgrade(DesiredState upgrade, String savepoint, String jobId) {}

  /**
   * The pipeline upgraded in savepoint mode to {@link #NEW_JAR}, whose job was found ready
   * (checkpoint 1 completed); returns the desired state that asked for it.
   */
  private DesiredState upgradedAndReady() throws Exception {
    DesiredState desired = running(1);
    deployWithCheckpoint(desired, 1);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    clock.advance(Duration.ofSeconds(5));
    deployWithCheckpoint(upgrade, 1);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    assertThat(status.jobJarSha256()).isEqualTo(NEW_JAR);
    return upgrade;
  }

  /** One job is active: the shipped jar, the previous one, restored from {@code checkpoint}. */
  private void onlyThePreviousJarRunsFrom(String checkpoint) {
    assertOnlyJobOnJar(TestingFlinkService.SHIPPED_JAR, checkpoint);
  }

  /** Flink restarted the job {@code unhealthy.max-restarts} times since it started. */
  private void crashLoop(String jobId) {
    clock.advance(Duration.ofSeconds(10));
    flink.restarts(jobId, 3);
    flink.state(jobId, "RESTARTING");
  }

  @Test
  void neverFallsBackToACheckpointWhenTheUpgradeSavepointFails() throws Exception {
    DesiredState desired = running(1);
    String old = deployWithCheckpoint(desired, 3).jobId();
    flink.failSavepoints("disk full");
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));

    step(upgrade);
    step(upgrade);

    assertThat(flink.job(old).state()).isEqualTo("RUNNING");
    assertThat(flink.submissions()).hasSize(1);
    assertThat(status.lastStep().action()).isEqualTo("failed");
    assertThat(status.lastStep().message()).contains("disk full");
  }

  @Test
  void suspendsAJobThatKeepsRestartingKeepingItsNewestCheckpoint() throws Exception {
    // A savepoint-mode suspend of a crash-looping job waited forever for a savepoint, as the way
    // back to an older jar did (P9-3).
    DesiredState desired = running(1);
    Deployed loopingJob = loopingJobWithCheckpoint(desired);
    String looping = loopingJob.jobId();
    String checkpoint = loopingJob.checkpoint();
    DesiredState suspended = suspended(desired);

    step(suspended);
    assertThat(status.lastStep().action())
        .as("two restarts: the savepoint is waited for")
        .isEqualTo("wait");

    flink.restarts(looping, 3);
    clock.advance(Duration.ofSeconds(30));
    step(suspended);

    assertThat(flink.job(looping).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(checkpoint);
    assertThat(status.lastStep().message())
        .contains("keeps restarting (restarted 3 times within PT5M")
        .contains("resumes from checkpoint " + checkpoint);
    assertThat(reasons()).endsWith("JobSuspended");
  }

  @Test
  void goesBackToAnOlderJarFromTheNewestCheckpointOfAJobThatKeepsRestarting() throws Exception {
    // Probe 9 (P9-3): the documented way back from a release that crash-loops once traffic
    // reaches its broken path waited forever: "… is RESTARTING; replacing it needs a savepoint".
    DesiredState desired = running(1);
    Deployed loopingJob = loopingJobWithCheckpoint(desired);
    String looping = loopingJob.jobId();
    String checkpoint = loopingJob.checkpoint();
    DesiredState back = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));

    step(back);
    assertThat(status.lastStep().action())
        .as("two restarts: the savepoint is waited for")
        .isEqualTo("wait");
    assertThat(flink.job(looping).state()).isEqualTo("RESTARTING");

    flink.restarts(looping, 3);
    flink.state(looping, "RUNNING");
    flink.tasksRunning(looping, false);
    clock.advance(Duration.ofSeconds(30));
    step(back);

    assertThat(flink.job(looping).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    assertThat(status.lastStep().message())
        .contains("keeps restarting (restarted 3 times within PT5M")
        .contains("replaced from checkpoint " + checkpoint + " as in last-state mode")
        .contains("a savepoint needs it running");
    assertThat(status.upgrade().mode()).isEqualTo(UpgradeMode.LAST_STATE);
    assertThat(status.upgrade().rollbackPoint().path()).isEqualTo(checkpoint);
    assertThat(reasons()).endsWith("UpgradeStarted");
    step(back);
    assertOnlyJobOnJar(NEW_JAR, checkpoint);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.AWAITING_READINESS);
  }

  @Test
  void aNewLeaderRescalesAJobThatRestartedTooOftenSinceItStartedFromItsNewestCheckpoint()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 2);
    String looping = deployed.jobId();
    flink.restarts(looping, 4);
    flink.state(looping, "RESTARTING");
    clock.advance(Duration.ofMinutes(2));
    reconciler = reconciler(leadership);
    DesiredState wider = next(desired, desired.spec().withParallelism(2));

    step(wider);

    assertThat(flink.job(looping).state()).isEqualTo("CANCELED");
    assertThat(status.lastStep().message())
        .contains("keeps restarting (restarted 4 times within PT5M")
        .contains("because it runs at parallelism 1");
    step(wider);
    assertOnlyJob(2, deployed.checkpoint());
  }

  @Test
  void aSuspendOfAJobWithACheckpointButNotEveryTaskRunningWaitsForThemRatherThanFailing()
      throws Exception {
    // Before, it was sent a stop with savepoint Flink refuses ("Not all required tasks are
    // currently running"): a failed step and a ReconcileFailed warning at every pass.
    DesiredState desired = running(2);
    String job = deployWithCheckpoint(desired, 3).jobId();
    flink.tasksRunning(job, false);
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(flink.job(job).state()).isEqualTo("RUNNING");
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message())
        .contains(job, "2 of 4 tasks running", "a savepoint (suspend) needs it RUNNING")
        .contains("every task running");
    assertThat(reasons()).doesNotContain("ReconcileFailed");

    flink.tasksRunning(job, true);
    step(suspended);

    assertThat(flink.job(job).state()).isEqualTo("FINISHED");
    assertOnlySavepoint(SavepointRecord.Kind.STOP);
  }

  @Test
  void aRescaleOfAJobWithACheckpointButNotEveryTaskRunningWaitsForThemRatherThanFailing()
      throws Exception {
    DesiredState desired = running(2);
    String job = deployWithCheckpoint(desired, 3).jobId();
    flink.tasksRunning(job, false);
    DesiredState wider = next(desired, desired.spec().withParallelism(3));

    step(wider);

    assertThat(flink.job(job).state()).isEqualTo("RUNNING");
    assertThat(status.lastStep().action()).isEqualTo("wait");
    assertThat(status.lastStep().message())
        .contains(job, "replacing it with a savepoint needs it RUNNING with every task running");
    assertThat(reasons()).doesNotContain("ReconcileFailed");
  }

  @Test
  void aSuspendOfAJobThatKeepsRestartingSeenRunningBetweenTwoRestartsKeepsItsNewestCheckpoint()
      throws Exception {
    // Before, a crash-looping job caught RUNNING with every task running was sent a stop with
    // savepoint, which its next failure fails: a failed step, retried.
    DesiredState desired = running(1);
    Deployed looping = loopingJobCaughtRunningBetweenTwoRestarts(desired);

    step(suspended(desired));

    assertThat(flink.job(looping.jobId()).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(looping.checkpoint());
    assertThat(status.lastStep().message())
        .contains("keeps restarting (restarted 3 times within PT5M")
        .contains("no checkpoint since its last restart")
        .contains("resumes from checkpoint " + looping.checkpoint());
    assertThat(reasons()).doesNotContain("ReconcileFailed").endsWith("JobSuspended");
  }

  @Test
  void aRescaleOfAJobThatKeepsRestartingSeenRunningBetweenTwoRestartsStartsFromItsNewestCheckpoint()
      throws Exception {
    DesiredState desired = running(1);
    Deployed looping = loopingJobCaughtRunningBetweenTwoRestarts(desired);
    DesiredState wider = next(desired, desired.spec().withParallelism(2));

    step(wider);
    step(wider);

    assertThat(flink.job(looping.jobId()).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    assertThat(reasons()).doesNotContain("ReconcileFailed").endsWith("JobReplaced", "JobDeployed");
    assertOnlyJob(2, looping.checkpoint());
  }

  @Test
  void aJobThatRestartedTooOftenButCheckpointsAgainSinceItsLastRestartIsStoppedWithASavepoint()
      throws Exception {
    DesiredState desired = running(1);
    Deployed recovered = loopingJobWithCheckpoint(desired);
    flink.restarts(recovered.jobId(), 3);
    flink.state(recovered.jobId(), "RUNNING");
    step(desired);
    assertThat(status.unhealthy()).as("three restarts seen").contains("restarted 3 times");
    clock.advance(Duration.ofSeconds(10));
    flink.completeCheckpoint(
        recovered.jobId(), 10, checkpoint(recovered.jobId(), 10), clock.instant());
    clock.advance(Duration.ofSeconds(2));

    step(suspended(desired));

    assertThat(flink.job(recovered.jobId()).state()).isEqualTo("FINISHED");
    assertOnlySavepoint(SavepointRecord.Kind.STOP);
    assertThat(status.lastState().path()).isEqualTo(savepoints.get(0).path());
  }

  @Test
  void aLastStateUpgradeRunsTheNewJarFromTheNewestCheckpoint() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 7);
    String old = deployed.jobId();
    String checkpoint = deployed.checkpoint();
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.LAST_STATE));

    step(upgrade);
    step(upgrade);

    assertThat(flink.job(old).state()).isEqualTo("CANCELED");
    assertThat(savepoints).isEmpty();
    assertThat(flink.job(status.jobId()).restoredFrom()).isEqualTo(checkpoint);
    assertThat(status.upgrade().rollbackPoint().path()).isEqualTo(checkpoint);
  }

  @Test
  void aStatelessUpgradeRunsTheNewJarWithoutStateAndKeepsTheOldStateForARollback()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 7);
    String old = deployed.jobId();
    String checkpoint = deployed.checkpoint();
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.STATELESS));

    step(upgrade);
    step(upgrade);

    assertThat(flink.job(old).state()).isEqualTo("CANCELED");
    assertThat(flink.job(status.jobId()).restoredFrom()).isNull();
    assertThat(status.upgrade().rollbackPoint().path()).isEqualTo(checkpoint);
  }

  @Test
  void aJobLostDuringAnUpgradeIsDeployedOnceOnTheDesiredJarFromItsLastCheckpoint()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 93);
    String lost = deployed.jobId();
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    // The upgrade's stop-with-savepoint was in flight when the JobManager (no HA) was killed.
    flink.failSavepoints("503 Service temporarily unavailable due to an ongoing leader election");
    step(upgrade);
    assertThat(status.lastStep().action()).isEqualTo("failed");
    flink.failSavepoints(null);
    flink.loseAllJobs();

    step(upgrade);

    String upgraded = status.jobId();
    assertThat(flink.submissions()).hasSize(2);
    assertOnlyJobOnJar(NEW_JAR, deployed.checkpoint());
    assertThat(status.upgrade())
        .satisfies(
            u -> {
              assertThat(u.phase()).isEqualTo(Upgrade.Phase.AWAITING_READINESS);
              assertThat(u.desiredVersion()).isEqualTo(upgrade.version());
              assertThat(u.fromJar()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
              assertThat(u.mode()).isEqualTo(UpgradeMode.LAST_STATE);
              assertThat(u.fromJobId()).isEqualTo(lost);
              assertThat(u.toJobId()).isEqualTo(upgraded);
              assertThat(u.rollbackPoint().path()).isEqualTo(deployed.checkpoint());
            });
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("JobRestoredFromLastState");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
              assertThat(e.message())
                  .contains(lost)
                  .contains("no longer on Flink")
                  .contains("jar bbbbbbbbbbbb")
                  .contains(deployed.checkpoint())
                  .contains("last-state");
            });

    clock.advance(Duration.ofSeconds(20));
    flink.completeCheckpoint(upgraded, 94, checkpoint(upgraded, 94), clock.instant());
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    step(upgrade);
    assertThat(flink.submissions()).as("one job start to recover, not two").hasSize(2);
  }

  @Test
  void aJobLostDuringAnUpgradeRollsBackToItsJarAndLastCheckpointWhenTheNewJarIsRefused()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 93);
    flink.refuseJar(NEW_JAR, "java.lang.ClassNotFoundException: io.fraudpipeline.job.Missing");
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    flink.loseAllJobs();

    step(upgrade);
    assertThat(status.lastStep().action()).isEqualTo("failed");
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    step(proposed.get(0));

    onlyThePreviousJarRunsFrom(deployed.checkpoint());
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLED_BACK);
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
  }

  @Test
  void aJobLostDuringAStatelessUpgradeStartsTheDesiredJarEmptyAndKeepsItsStateForARollback()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 93);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.STATELESS));
    flink.loseAllJobs();

    step(upgrade);

    assertOnlyJobOnJar(NEW_JAR, null);
    assertThat(status.upgrade().mode()).isEqualTo(UpgradeMode.STATELESS);
    assertThat(status.upgrade().rollbackPoint().path()).isEqualTo(deployed.checkpoint());
    assertThat(status.replacedState().path()).isEqualTo(deployed.checkpoint());
  }

  @Test
  void anUpgradeWhoseLeaderDiedAfterTheStopRunsTheDesiredJarFromThatSavepointOnce()
      throws Exception {
    DesiredState desired = running(1);
    String stopped = deployWithCheckpoint(desired, 37).jobId();
    clock.advance(Duration.ofSeconds(5));
    // The upgrade's leader stopped the job with a savepoint and died before recording anything.
    String savepoint = flink.stopWithSavepoint(stopped, false, Duration.ofMinutes(1));
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));

    step(upgrade);

    assertThat(flink.submissions()).hasSize(2);
    assertOnlyJobOnJar(NEW_JAR, savepoint);
    assertThat(status.upgrade().mode()).isEqualTo(UpgradeMode.SAVEPOINT);
    assertThat(status.upgrade().savepointTaken()).isTrue();
    assertThat(events.get(events.size() - 1).reason()).isEqualTo("JobDeployed");
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
  }

  @Test
  void aJobLostDuringARescaleIsDeployedOnceAtTheDesiredParallelismAndSaysSo() throws Exception {
    DesiredState desired = running(2);
    Deployed deployed = deployWithCheckpoint(desired, 124);
    DesiredState rescaled = next(desired, desired.spec().withParallelism(3));
    flink.failSavepoints("503 Service temporarily unavailable due to an ongoing leader election");
    step(rescaled);
    flink.failSavepoints(null);
    flink.loseAllJobs();

    step(rescaled);

    assertThat(flink.submissions()).hasSize(2);
    assertOnlyJob(3, deployed.checkpoint());
    assertThat(events.get(events.size() - 1).message())
        .contains("no longer on Flink")
        .contains("at parallelism 3 (it ran at 2)");
    step(rescaled);
    assertThat(flink.submissions()).hasSize(2);
  }

  /**
   * Probe 12 (P12-2): a job this reconciler stopped with a savepoint to replace it, the desired
   * state then naming another jar before the replacement ran, was said to have FINISHED "outside
   * the control plane" by the upgrade that deployed it.
   */
  @Test
  void
      aJobTheReconcilerStoppedToReplaceIsNotSaidToHaveEndedOutsideTheControlPlaneByTheUpgradeAfter()
          throws Exception {
    DesiredState desired = running(1);
    String stopped = deployWithCheckpoint(desired, 5).jobId();
    DesiredState wider = next(desired, desired.spec().withParallelism(2));
    step(wider);
    assertThat(status.lastStep().action()).isEqualTo("replace");
    assertThat(flink.job(stopped).state()).isEqualTo("FINISHED");
    DesiredState upgrade = next(wider, wider.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));

    step(upgrade);

    assertOnlySavepoint(SavepointRecord.Kind.RESCALE);
    assertOnlyJobOnJar(NEW_JAR, savepoints.get(0).path());
    assertThat(events)
        .filteredOn(e -> e.reason().equals("UpgradeStarted"))
        .singleElement()
        .extracting(PipelineEvent::message)
        .asString()
        .contains("job " + stopped + " was taken down by the control plane (FINISHED)")
        .doesNotContain("outside the control plane");
    assertThat(reasons()).doesNotContain("JobRestoredFromLastState");
  }

  @Test
  void aJobThatFailedWhileTheDesiredStateNamesAnotherJarIsRestartedOnceOnThatJarAsAnUpgrade()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 93);
    String failed = deployed.jobId();
    flink.fail(failed, "java.lang.RuntimeException: boom");
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));

    step(upgrade);
    assertThat(flink.activeJobs()).as("backing off").isEmpty();
    clock.advance(Duration.ofSeconds(10));
    step(upgrade);

    String upgraded = status.jobId();
    assertThat(flink.submissions()).hasSize(2);
    assertOnlyJobOnJar(NEW_JAR, deployed.checkpoint());
    assertThat(status.failureRestarts()).hasSize(1);
    assertThat(status.upgrade())
        .satisfies(
            u -> {
              assertThat(u.phase()).isEqualTo(Upgrade.Phase.AWAITING_READINESS);
              assertThat(u.desiredVersion()).isEqualTo(upgrade.version());
              assertThat(u.fromJar()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
              assertThat(u.mode()).isEqualTo(UpgradeMode.LAST_STATE);
              assertThat(u.fromJobId()).isEqualTo(failed);
              assertThat(u.toJobId()).isEqualTo(upgraded);
              assertThat(u.rollbackPoint().path()).isEqualTo(deployed.checkpoint());
            });
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("JobRestarted");
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING);
              assertThat(e.message())
                  .contains(failed + " FAILED (java.lang.RuntimeException: boom); restart 1 of 3")
                  .contains("jar bbbbbbbbbbbb")
                  .contains(deployed.checkpoint())
                  .contains("last-state");
            });
    assertThat(reasons()).contains("UpgradeStarted");

    clock.advance(Duration.ofSeconds(20));
    flink.completeCheckpoint(upgraded, 94, checkpoint(upgraded, 94), clock.instant());
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    step(upgrade);
    assertThat(flink.submissions()).as("one job start to recover, not two").hasSize(2);
  }

  @Test
  void aJobThatFailedWhileTheDesiredStateNamesAnotherJarRollsBackToItsJarWhenTheNewOneFails()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 93);
    flink.fail(deployed.jobId(), "java.lang.RuntimeException: boom");
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    clock.advance(Duration.ofSeconds(10));
    step(upgrade);
    String upgraded = status.jobId();

    flink.fail(upgraded, "java.lang.NoSuchMethodError: the new jar's");
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLING_BACK);
    step(proposed.get(0));

    onlyThePreviousJarRunsFrom(deployed.checkpoint());
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.ROLLED_BACK);
    assertThat(status.rejectedJars()).containsExactly(NEW_JAR);
  }

  @Test
  void aSuspendWhoseStopOutcomeFlinkLostEndsSuspendedOnTheSavepointThatStopTook() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 61);
    clock.advance(Duration.ofSeconds(5));
    String savepoint = loseTheOutcomeOfTheNextStop(deployed.jobId(), 62);
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(status.lastStep().action()).isEqualTo("suspend");
    assertThat(status.lastStep().message())
        .contains("stopped with savepoint " + savepoint)
        .contains("Flink lost the stop's outcome")
        .contains("does not know the savepoint trigger");
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(savepoint);
    assertThat(status.lastState().jobId()).isEqualTo(deployed.jobId());
    assertThat(savepoints)
        .singleElement()
        .satisfies(
            sp -> {
              assertThat(sp.path()).isEqualTo(savepoint);
              assertThat(sp.kind()).isEqualTo(SavepointRecord.Kind.STOP);
              assertThat(sp.parallelism()).isEqualTo(1);
            });
    assertThat(reasons()).doesNotContain("ReconcileFailed");

    DesiredState resumed =
        next(suspended, suspended.spec().withState(PipelineState.RUNNING, SuspendMode.SAVEPOINT));
    step(resumed);
    assertOnlyJobFrom(savepoint);
    assertThat(savepoints).as("recorded once").hasSize(1);
  }

  @Test
  void aRescaleWhoseStopOutcomeFlinkLostGoesOnFromTheSavepointThatStopTook() throws Exception {
    DesiredState desired = running(2);
    Deployed deployed = deployWithCheckpoint(desired, 124);
    clock.advance(Duration.ofSeconds(5));
    String savepoint = loseTheOutcomeOfTheNextStop(deployed.jobId(), 125);
    DesiredState rescaled = next(desired, desired.spec().withParallelism(3));

    step(rescaled);
    assertThat(status.lastStep().action()).isEqualTo("replace");
    assertThat(status.lastState().path()).isEqualTo(savepoint);
    step(rescaled);

    assertOnlyJob(3, savepoint);
    assertOnlySavepoint(SavepointRecord.Kind.RESCALE);
    assertThat(events.get(events.size() - 1))
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("JobDeployed");
              assertThat(e.message()).contains("Replacement of job " + deployed.jobId());
            });
    assertThat(events).noneMatch(e -> e.type() == PipelineEvent.Type.WARNING);
  }

  @Test
  void anUpgradeWhoseStopOutcomeFlinkLostRunsTheNewJarFromTheSavepointThatStopTook()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 93);
    clock.advance(Duration.ofSeconds(5));
    String savepoint = loseTheOutcomeOfTheNextStop(deployed.jobId(), 94);
    DesiredState upgrade = next(desired, desired.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));

    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.REPLACING);
    assertThat(status.upgrade().savepointTaken()).isTrue();
    step(upgrade);

    assertOnlyJobOnJar(NEW_JAR, savepoint);
    assertThat(status.upgrade().mode()).isEqualTo(UpgradeMode.SAVEPOINT);
    assertThat(status.upgrade().rollbackPoint().path()).isEqualTo(savepoint);
    assertOnlySavepoint(SavepointRecord.Kind.UPGRADE);
  }

  @Test
  void aStopWhoseOutcomeFlinkLostFailsSayingSoWhenNoSavepointOfItIsFound() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 61);
    flink.loseTheOutcomeOfTheNextStop(job -> true);
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(status.lastStep().action()).isEqualTo("failed");
    assertThat(status.lastStep().message())
        .contains(deployed.jobId())
        .contains("outcome Flink lost")
        .contains("no savepoint of that stop newer than checkpoint " + deployed.checkpoint())
        .contains("whether it completed is not known");
    assertThat(savepoints).isEmpty();
  }

  @Test
  void aStopWhoseOutcomeFlinkLostWhileTheJobStillRunsFailsAndIsTriedAgain() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 61);
    clock.advance(Duration.ofSeconds(5));
    // A savepoint of the job in the directory does not make a stop whose job still runs done.
    flink.loseTheOutcomeOfTheNextStop(
        job -> {
          stopSavepoint(job, 62);
          return false;
        });
    DesiredState suspended = suspended(desired);

    step(suspended);
    assertThat(status.lastStep().action()).isEqualTo("failed");
    assertThat(status.lastStep().message()).contains("does not know the savepoint trigger");
    assertThat(flink.job(deployed.jobId()).state()).isEqualTo("RUNNING");

    step(suspended);
    assertThat(status.lastStep().action()).isEqualTo("suspend");
    assertThat(flink.job(deployed.jobId()).state()).isEqualTo("FINISHED");
    assertThat(status.lastState().path()).startsWith("file:/savepoints/");
  }

  @Test
  void aRescaleWhoseStopCompletedBeforeFlinkLostTheJobGoesOnFromThatSavepointAsARescale()
      throws Exception {
    DesiredState desired = running(2);
    Deployed deployed = deployWithCheckpoint(desired, 124);
    clock.advance(Duration.ofSeconds(5));
    String savepoint = stopSavepoint(deployed.jobId(), 125);
    flink.loseTheJobsOnceTheNextStopCompletes(savepoint);
    DesiredState rescaled = next(desired, desired.spec().withParallelism(3));

    step(rescaled);
    assertThat(status.lastStep().action()).isEqualTo("replace");
    assertThat(status.lastStep().message())
        .contains("stopped with savepoint " + savepoint)
        .contains("then lost the job");
    assertThat(status.lastState().path()).isEqualTo(savepoint);
    step(rescaled);

    assertOnlyJob(3, savepoint);
    assertThat(savepoints)
        .singleElement()
        .satisfies(
            sp -> {
              assertThat(sp.path()).isEqualTo(savepoint);
              assertThat(sp.kind()).isEqualTo(SavepointRecord.Kind.RESCALE);
            });
    assertThat(reasons()).doesNotContain("JobRestoredFromLastState", "ReconcileFailed");
  }

  @Test
  void aSuspendWhoseStopCompletedBeforeFlinkLostTheJobEndsSuspendedOnThatSavepoint()
      throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 61);
    clock.advance(Duration.ofSeconds(5));
    String savepoint = stopSavepoint(deployed.jobId(), 62);
    flink.loseTheJobsOnceTheNextStopCompletes(savepoint);
    DesiredState suspended = suspended(desired);

    step(suspended);

    assertThat(status.lastStep().action()).isEqualTo("suspend");
    assertThat(status.suspended()).isTrue();
    assertThat(status.lastState().path()).isEqualTo(savepoint);
    assertOnlySavepoint(SavepointRecord.Kind.STOP);

    step(suspended);
    assertThat(status.lastState().path()).isEqualTo(savepoint);
    assertThat(savepoints).as("recorded once").hasSize(1);
    assertThat(reasons()).doesNotContain("ReconcileFailed");
  }

  @Test
  void aStoppedJobThatAJobManagerWithHaListsAgainIsTakenDownAndOneJobRunsAtTheNewParallelism()
      throws Exception {
    DesiredState desired = running(2);
    Deployed deployed = deployWithCheckpoint(desired, 124);
    clock.advance(Duration.ofSeconds(5));
    flink.loseTheJobsOnceTheNextStopCompletes(stopSavepoint(deployed.jobId(), 125));
    DesiredState rescaled = next(desired, desired.spec().withParallelism(3));
    step(rescaled);

    // Not what a stopped job does, but whatever Flink lists is acted on: never two jobs.
    flink.startOutside(deployed.jobId(), 2, clock.instant());
    step(rescaled);
    step(rescaled);

    assertThat(flink.activeJobs())
        .singleElement()
        .satisfies(j -> assertThat(j.parallelism()).isEqualTo(3));
  }

  @Test
  void aCancelDuringWhichFlinkLostTheJobWaitsThenEndsSuspendedWithThatJob() throws Exception {
    DesiredState desired = running(1);
    Deployed deployed = deployWithCheckpoint(desired, 61);
    DesiredState cancelled =
        next(desired, desired.spec().withState(PipelineState.SUSPENDED, SuspendMode.CANCEL));
    flink.loseTheJobsDuringTheNextCancel();

    step(cancelled);
    assertThat(status.lastStep().action()).isEqualTo("wait");

    step(cancelled);
    assertThat(status.suspended()).isTrue();
    assertThat(status.jobId()).isEqualTo(deployed.jobId());
    assertThat(status.lastState().path()).isEqualTo(deployed.checkpoint());
    assertThat(reasons()).doesNotContain("ReconcileFailed");
    assertThat(flink.submissions()).hasSize(1);
  }

  @Test
  void reportsAnUpgradeThatCannotBeRolledBackBecauseThePreviousJarIsGone() throws Exception {
    DesiredState onLostJar = running(1);
    onLostJar = next(onLostJar, onLostJar.spec().withJar(LOST_JAR, UpgradeMode.SAVEPOINT));
    step(onLostJar);
    DesiredState upgrade =
        next(onLostJar, onLostJar.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    step(upgrade);
    String broken = status.jobId();
    flink.fail(broken, "boom");

    step(upgrade);

    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.FAILED);
    assertThat(reasons()).endsWith("UpgradeFailed");
    assertThat(events.get(events.size() - 1).message()).contains("not in the jar store");
    assertThat(proposed).isEmpty();
  }

  @Test
  void autoUpgradeDeclaresTheShippedJarOnceTheJobRunsSteadilyButNeverARejectedOne()
      throws Exception {
    DesiredState onOld = running(1);
    onOld = next(onOld, onOld.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    deployWithCheckpoint(onOld, 1);
    AutoUpgrade auto = autoUpgrade();

    Optional<DesiredState> wanted = auto.apply(Optional.of(onOld), observe(null), status);

    assertThat(wanted.orElseThrow().version()).isEqualTo(onOld.version() + 1);
    assertThat(wanted.get().spec().jarSha256()).isEqualTo(TestingFlinkService.SHIPPED_JAR);
    assertThat(wanted.get().cause()).contains("fraud.reconciler.upgrade.mode=auto");

    PipelineStatus.Builder rejected = status.toBuilder();
    rejected.rejectedJars = List.of(TestingFlinkService.SHIPPED_JAR);
    assertThat(auto.apply(Optional.of(onOld), observe(null), rejected.build()))
        .as("a jar rolled back from is not tried again")
        .contains(onOld);
  }

  @Test
  void autoUpgradeNeverTakesThePipelineBackToAJarItWasUpgradedAwayFrom() throws Exception {
    // A rolling deploy: this replica still ships the old jar while a new one's upgraded the
    // pipeline to its own. At each change of leader the two would upgrade it to their jar in turn.
    DesiredState onShipped = running(1);
    deployWithCheckpoint(onShipped, 1);
    DesiredState upgrade =
        next(onShipped, onShipped.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    step(upgrade);
    deployWithCheckpoint(upgrade, 2);
    clock.advance(Duration.ofSeconds(10));
    flink.completeCheckpoint(status.jobId(), 3, checkpoint(status.jobId(), 3), clock.instant());
    step(upgrade);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    assertThat(status.supersededJars()).containsExactly(TestingFlinkService.SHIPPED_JAR);

    assertThat(autoUpgrade().apply(Optional.of(upgrade), observe(null), status))
        .as("the old jar's replica leaves the upgraded pipeline alone")
        .contains(upgrade);
    assertThat(proposed).isEmpty();

    // An explicit upgrade back to the old jar takes it off the list and puts the new one on it.
    DesiredState back =
        next(
            upgrade,
            upgrade.spec().withJar(TestingFlinkService.SHIPPED_JAR, UpgradeMode.SAVEPOINT));
    step(back);
    deployWithCheckpoint(back, 4);
    clock.advance(Duration.ofSeconds(10));
    flink.completeCheckpoint(status.jobId(), 5, checkpoint(status.jobId(), 5), clock.instant());
    step(back);
    assertThat(status.upgrade().phase()).isEqualTo(Upgrade.Phase.SUCCEEDED);
    assertThat(status.supersededJars()).containsExactly(NEW_JAR);
  }

  @Test
  void autoUpgradeLeavesAJarAskedForByHandToBeCarriedOut() throws Exception {
    // Probe 9 (P9-2): the leader declared its shipped jar 0.26 s after someone asked for another
    // one through another replica, so their upgrade never happened.
    DesiredState onNew = running(1);
    onNew = next(onNew, onNew.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    deployWithCheckpoint(onNew, 1);
    clock.advance(Duration.ofSeconds(10));
    flink.completeCheckpoint(status.jobId(), 2, checkpoint(status.jobId(), 2), clock.instant());
    DesiredState askedFor =
        next(onNew, onNew.spec().withJar("c".repeat(64), UpgradeMode.SAVEPOINT));

    assertThat(autoUpgrade().apply(Optional.of(askedFor), observe(null), status))
        .contains(askedFor);
    assertThat(proposed).isEmpty();
  }

  @Test
  void autoUpgradeWaitsUntilTheJobRunsEveryTaskAndHasCompletedACheckpointSinceItStarted()
      throws Exception {
    // Probe 8 (P8-2): the replacement job of a rescale was upgraded 5 s after its deploy, before
    // all its tasks ran or it completed a checkpoint, so the upgrade cancelled it.
    DesiredState onOld = running(1);
    onOld = next(onOld, onOld.spec().withJar(NEW_JAR, UpgradeMode.SAVEPOINT));
    Instant started = clock.instant();
    step(onOld);
    String job = status.jobId();
    AutoUpgrade auto = autoUpgrade();
    flink.tasksRunning(job, false);
    assertThat(auto.apply(Optional.of(onOld), observe(null), status))
        .as("not every task runs")
        .contains(onOld);

    flink.tasksRunning(job, true);
    assertThat(auto.apply(Optional.of(onOld), observe(null), status))
        .as("every task runs, no checkpoint completed")
        .contains(onOld);

    flink.completeCheckpoint(job, 1, checkpoint(job, 1), started.minus(Duration.ofMinutes(1)));
    assertThat(auto.apply(Optional.of(onOld), observe(null), status))
        .as("its only checkpoint is older than the job (the state it started from)")
        .contains(onOld);
    assertThat(proposed).isEmpty();

    clock.advance(Duration.ofSeconds(10));
    flink.completeCheckpoint(job, 2, checkpoint(job, 2), clock.instant());
    assertThat(auto.apply(Optional.of(onOld), observe(null), status).orElseThrow().version())
        .as("runs steadily")
        .isEqualTo(onOld.version() + 1);
  }

  // Helpers.

  private AutoUpgrade autoUpgrade() {
    return new AutoUpgrade(
        TestingFlinkService.SHIPPED_JAR,
        d -> {
          proposed.add(d);
          return d;
        },
        (type, reason, message, jobId) -> {},
        "replica-test",
        clock);
  }

  /** Deploys {@code desired}'s job and has it complete checkpoint {@code id}, observed. */
  private Deployed deployWithCheckpoint(DesiredState desired, long id) throws Exception {
    step(desired);
    String job = status.jobId();
    String checkpoint = checkpoint(job, id);
    flink.completeCheckpoint(job, id, checkpoint, clock.instant());
    step(desired);
    return new Deployed(job, checkpoint);
  }

  private record Deployed(String jobId, String checkpoint) {}

  /**
   * A job Flink has restarted twice in the last 30 s (RESTARTING), one restart short of {@code
   * unhealthy.max-restarts}, started long before {@code unhealthy.window}; returns it with its
   * newest checkpoint, completed before those restarts.
   */
  private Deployed loopingJobWithCheckpoint(DesiredState desired) throws Exception {
    String looping = deployWithCheckpoint(desired, 1).jobId();
    // Started long before the window: only the restarts observed within it count.
    clock.advance(Duration.ofMinutes(20));
    String checkpoint = checkpoint(looping, 9);
    flink.completeCheckpoint(looping, 9, checkpoint, clock.instant());
    step(desired);
    flink.restarts(looping, 2);
    flink.state(looping, "RESTARTING");
    clock.advance(Duration.ofSeconds(30));
    return new Deployed(looping, checkpoint);
  }

  /**
   * {@link #loopingJobWithCheckpoint}, restarted a third time and caught RUNNING with every task
   * running before its next failure, which fails any savepoint asked of it.
   */
  private Deployed loopingJobCaughtRunningBetweenTwoRestarts(DesiredState desired)
      throws Exception {
    Deployed looping = loopingJobWithCheckpoint(desired);
    flink.restarts(looping.jobId(), 3);
    flink.state(looping.jobId(), "RUNNING");
    flink.failSavepoints("CheckpointException: Task failure (java.lang.NoSuchMethodError)");
    return looping;
  }

  /** Deletes the job's checkpoints, as Flink discards those of a job that FINISHED. */
  private void deleteCheckpointsOf(String jobId) throws IOException {
    try (var files = Files.walk(checkpoints.resolve(jobId))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** {@code desired}, suspended with a savepoint. */
  private static DesiredState suspended(DesiredState desired) {
    return next(desired, desired.spec().withState(PipelineState.SUSPENDED, SuspendMode.SAVEPOINT));
  }

  /**
   * The next stop with savepoint completes savepoint {@code id} of {@code jobId} in Flink's
   * savepoint directory, then its JobManager is replaced (no HA) before the outcome was read: Flink
   * knows neither the trigger nor the job. Returns the savepoint's path.
   */
  private String loseTheOutcomeOfTheNextStop(String jobId, long id) {
    // Written before the stop is asked for rather than during it: the reconciler looks only after.
    String savepoint = stopSavepoint(jobId, id);
    flink.loseTheOutcomeOfTheNextStop(job -> true);
    return savepoint;
  }

  private String stopSavepoint(String jobId, long id) {
    try {
      return FlinkStateFiles.uri(
          FlinkStateFiles.savepoint(savepointDirectory, jobId, id, clock.instant(), true));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * One job is active on Flink, at {@code parallelism}, started from {@code restoredFrom} (null:
   * without state).
   */
  private void assertOnlyJob(int parallelism, String restoredFrom) {
    assertThat(flink.activeJobs())
        .singleElement()
        .extracting(Job::parallelism, Job::restoredFrom)
        .containsExactly(parallelism, restoredFrom);
  }

  /** One job is active on Flink, started from {@code restoredFrom} (null: without state). */
  private void assertOnlyJobFrom(String restoredFrom) {
    assertThat(flink.activeJobs())
        .singleElement()
        .extracting(Job::restoredFrom)
        .as("restored from")
        .isEqualTo(restoredFrom);
  }

  /** One job is active on Flink, running {@code jar}, started from {@code restoredFrom}. */
  private void assertOnlyJobOnJar(String jar, String restoredFrom) {
    assertThat(flink.activeJobs())
        .singleElement()
        .extracting(Job::jar, Job::restoredFrom)
        .containsExactly(jar, restoredFrom);
  }

  /** One savepoint is in the history, of {@code kind}. */
  private void assertOnlySavepoint(SavepointRecord.Kind kind) {
    assertThat(savepoints).singleElement().extracting(SavepointRecord::kind).isEqualTo(kind);
  }

  private void step(DesiredState desired) throws InterruptedException {
    status = reconciler.reconcile(desired, observe(null), status);
  }

  private ObservedPipeline observe(SavepointRecord latestSavepoint) {
    return new PipelineObserver(flink, () -> latestSavepoint, clock).observe();
  }

  private ObservedPipeline emptyObservation() {
    return new ObservedPipeline(clock.instant(), true, null, List.of(), null);
  }

  private List<String> reasons() {
    return events.stream().map(PipelineEvent::reason).toList();
  }

  /** A checkpoint directory with its metadata, as Flink writes it. */
  private String checkpoint(String jobId, long id) throws IOException {
    Path dir = checkpoints.resolve(jobId).resolve("chk-" + id);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("_metadata"), "metadata");
    Files.setLastModifiedTime(
        dir.resolve("_metadata"), java.nio.file.attribute.FileTime.from(clock.instant()));
    String uri = dir.toUri().toString();
    return uri.substring(0, uri.length() - 1);
  }

  private DesiredState running(int parallelism) {
    return running(parallelism, true);
  }

  private DesiredState running(int parallelism, boolean restartFailed) {
    return running(parallelism, restartFailed, UpgradeMode.SAVEPOINT);
  }

  private DesiredState running(int parallelism, boolean restartFailed, UpgradeMode mode) {
    PipelineSpec spec =
        new PipelineSpec(
            PipelineState.RUNNING,
            parallelism,
            DeliveryGuarantee.EXACTLY_ONCE,
            mode,
            SuspendMode.SAVEPOINT,
            restartFailed,
            null,
            false,
            null);
    return new DesiredState(1, "pipeline-1", spec, 1, START, "test", "test");
  }

  private static DesiredState next(DesiredState previous, PipelineSpec spec) {
    return new DesiredState(
        previous.version() + 1,
        previous.pipelineId(),
        spec,
        previous.restoreGeneration(),
        previous.updatedAt(),
        "test",
        "test");
  }

  private DesiredState restoreFrom(DesiredState previous, String path) {
    return new DesiredState(
        previous.version() + 1,
        previous.pipelineId(),
        withRestorePath(previous.spec(), path),
        previous.version() + 1,
        clock.instant(),
        "test",
        "test");
  }

  private static PipelineSpec withRestorePath(PipelineSpec spec, String path) {
    return new PipelineSpec(
        spec.state(),
        spec.parallelism(),
        spec.deliveryGuarantee(),
        spec.upgradeMode(),
        spec.suspendMode(),
        spec.restartFailed(),
        path,
        spec.allowNonRestoredState(),
        spec.jarSha256());
  }

  private static PipelineSpec withUpgradeMode(PipelineSpec spec, UpgradeMode mode) {
    return new PipelineSpec(
        spec.state(),
        spec.parallelism(),
        spec.deliveryGuarantee(),
        mode,
        spec.suspendMode(),
        spec.restartFailed(),
        spec.restoreSavepointPath(),
        spec.allowNonRestoredState(),
        spec.jarSha256());
  }

  private PipelineReconciler reconciler(Leadership leader) {
    return reconciler(leader, flink);
  }

  private PipelineReconciler reconciler(Leadership leader, FlinkService flink) {
    return reconciler(leader, flink, intents::add);
  }

  private PipelineReconciler reconciler(
      Leadership leader, FlinkService flink, Consumer<PipelineStatus> intentWriter) {
    EventRecorder recorder =
        (type, reason, message, jobId) ->
            events.add(
                new PipelineEvent(
                    "e" + events.size(),
                    clock.instant(),
                    type,
                    reason,
                    message,
                    jobId,
                    leader.replicaId()));
    return new PipelineReconciler(
        flink,
        new CheckpointStorage(
            new StopSavepoints(() -> Optional.of(savepointDirectory.toUri().toString()))),
        recorder,
        leader,
        intentWriter,
        sp -> {
          savepoints.add(sp);
          return sp;
        },
        retention,
        d -> {
          proposed.add(d);
          return d;
        },
        jar -> !jar.equals(LOST_JAR),
        properties,
        slotsOnDemand,
        Duration.ofSeconds(10),
        TestingFlinkService.SHIPPED_JAR,
        clock);
  }
}
