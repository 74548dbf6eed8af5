package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.jobs.DeployRequest;
import io.fraudpipeline.control.jobs.Deployment;
import io.fraudpipeline.control.jobs.TestingJobJars;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.operations.OperationStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop, cancel, rescale or upgrade operation, or a deploy request, whose desired version a later
 * one supersedes: it ends at once when the later version rules out its goal (keeping the savepoint
 * the reconciler already took), and keeps waiting when the later version still leads there. The
 * real reconciler decides each step, on the in-memory Flink and stores of {@link
 * ReconciledPipeline}.
 */
class SupersededOperationsTest {

  private static final Duration AT_ONCE = Duration.ofSeconds(5);
  private static final String RUNNING_JAR = "a".repeat(64);
  private static final String NEW_JAR = "b".repeat(64);
  private static final String OTHER_JAR = "c".repeat(64);

  private final ReconciledPipeline pipeline = new ReconciledPipeline();
  private final PipelineService commands = pipeline.commands();

  @AfterEach
  void tearDown() {
    pipeline.close();
  }

  @Test
  void aRescaleSupersededByASuspendFailsAtOnceKeepingTheSavepointItsStopStepTook()
      throws Exception {
    Operation rescale = rescaleToOne(UpgradeMode.SAVEPOINT);
    // The reconciler stops the job with a savepoint for the rescale, then finds it suspended.
    String savepoint = pipeline.step().lastState().path();
    DesiredState suspend = suspend();
    pipeline.step();

    Operation ended = awaitFailure(rescale);

    assertThat(ended.failureCause())
        .contains(supersededBy(suspend))
        .contains("which suspends the pipeline");
    assertThat(ended.savepointPath()).isEqualTo(savepoint).startsWith("file:/savepoints/");
  }

  @Test
  void aRescaleSupersededByAnotherParallelismFailsAtOnceNamingNoSavepointWhenNoneWasTaken()
      throws Exception {
    Operation rescale = rescaleToOne(UpgradeMode.LAST_STATE);
    pipeline.change("PATCH /api/v1/pipeline", spec -> spec.withParallelism(3));
    // Taken down for parallelism 3 without a savepoint (last-state: cancelled).
    pipeline.step();

    Operation ended = awaitFailure(rescale);

    assertThat(ended.failureCause()).contains("which asks for parallelism 3");
    assertThat(ended.savepointPath()).isNull();
  }

  @Test
  void aRescaleCompletesWhenALaterVersionStillAsksForItsParallelism() throws Exception {
    Operation rescale = rescaleToOne(UpgradeMode.SAVEPOINT);
    // A later change of another setting (the guarantee) at the same parallelism.
    pipeline.change(
        "PATCH /api/v1/pipeline",
        spec -> withGuarantee(spec.withParallelism(1), DeliveryGuarantee.AT_LEAST_ONCE));
    String savepoint = pipeline.step().lastState().path();

    // The later version still leads to parallelism 1: the rescale waits for the new job.
    await().during(Duration.ofMillis(500)).atMost(AT_ONCE).until(() -> inProgress(rescale));

    String newJob = pipeline.step().jobId();
    Operation ended = awaitEnd(rescale);
    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(newJob).isNotEqualTo(rescale.jobId());
    assertThat(pipeline.flink.job(newJob).parallelism()).isEqualTo(1);
    assertThat(ended.savepointPath()).isEqualTo(savepoint);
  }

  @Test
  void aStopSupersededByAResumeFailsAtOnceKeepingItsSavepoint() throws Exception {
    String oldJob = runAtParallelismTwo(UpgradeMode.SAVEPOINT);
    Operation stop = commands.stop(oldJob, false, "ops");
    // The reconciler stops the job with a savepoint, and resumes it for the next version before
    // the stop's wait reads its status.
    String savepoint = pipeline.stepUnseen().lastState().path();
    DesiredState resume =
        pipeline.change(
            "PATCH /api/v1/pipeline",
            spec -> spec.withState(PipelineState.RUNNING, spec.suspendMode()));
    String resumed = pipeline.step().jobId();
    assertThat(pipeline.flink.job(resumed).restoredFrom()).isEqualTo(savepoint);

    Operation ended = awaitFailure(stop);

    assertThat(ended.failureCause())
        .contains(supersededBy(resume))
        .contains("which runs the pipeline again");
    assertThat(ended.savepointPath()).isEqualTo(savepoint);
  }

  @Test
  void anUpgradeSupersededBeforeItBeganByAVersionNamingAnotherJarFailsAtOnceNamingIt(
      @TempDir Path jarStore) throws Exception {
    Operation upgrade = upgradeToNewJar(jarStore, UpgradeMode.SAVEPOINT);
    String oldJob = pipeline.jobId();
    // Another writer names the running jar again before the reconciler takes the upgrade up (as
    // auto mode did on the leader 0.26 s after a POST on another replica): no upgrade is due.
    DesiredState back = nameJar(RUNNING_JAR);
    pipeline.step();

    Operation ended = awaitFailure(upgrade);

    assertThat(ended.failureCause())
        .contains(supersededBy(back))
        .contains("which names jar " + RUNNING_JAR.substring(0, 12));
    assertThat(pipeline.jobId()).isEqualTo(oldJob);
    assertThat(pipeline.flink.job(oldJob).jar()).isEqualTo(RUNNING_JAR);
  }

  @Test
  void anUpgradeAbandonedForALaterJarFailsAtOnceNamingTheVersionThatReplacedIt(
      @TempDir Path jarStore) throws Exception {
    Operation upgrade = upgradeToNewJar(jarStore, UpgradeMode.SAVEPOINT);
    // The reconciler takes the old job down for the upgrade, then finds another jar asked for.
    assertThat(pipeline.step().upgrading()).isTrue();
    DesiredState other = nameJar(OTHER_JAR);
    pipeline.step();

    Operation ended = awaitFailure(upgrade);

    assertThat(ended.failureCause())
        .contains(supersededBy(other))
        .contains("which names jar " + OTHER_JAR.substring(0, 12))
        .contains("abandoned");
  }

  /**
   * Probe 12 (P12-3): an upgrade asked for the running jar while the desired state named another
   * cancels that change; the steps the reconciler took towards the other jar, on a version read
   * before this one was written, are not this operation's.
   */
  @Test
  void anUpgradeBackToTheRunningJarReportsNoStepOfTheChangeItCancelled(@TempDir Path jarStore)
      throws Exception {
    PipelineUpgrades upgrades = runningOnItsJar(jarStore, UpgradeMode.SAVEPOINT);
    DesiredState toNew = nameJar(NEW_JAR);
    Operation back = upgrades.upgrade(new UpgradeRequest(RUNNING_JAR, null), "ops");
    // The leader had read the version naming the new jar: it stops the job for that upgrade.
    assertThat(pipeline.step(toNew).upgrading()).isTrue();

    Operation ended =
        await()
            .atMost(AT_ONCE)
            .until(
                () -> {
                  pipeline.step();
                  return find(back);
                },
                op -> op.state() != OperationState.IN_PROGRESS);

    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(pipeline.flink.job(ended.newJobId()).jar()).isEqualTo(RUNNING_JAR);
    assertThat(ended.steps())
        .extracting(OperationStep::message)
        .noneMatch(step -> step.startsWith("Upgrading from"))
        .anyMatch(step -> step.contains("abandoned"));
  }

  @Test
  void anUpgradeSupersededByASuspendBeforeItBeganFailsAtOnce(@TempDir Path jarStore)
      throws Exception {
    Operation upgrade = upgradeToNewJar(jarStore, UpgradeMode.SAVEPOINT);
    suspend();
    pipeline.step();

    Operation ended = awaitFailure(upgrade);

    assertThat(ended.failureCause())
        .contains("which suspends the pipeline (a resume runs jar " + NEW_JAR.substring(0, 12));
  }

  @Test
  void anUpgradeCompletesWhenALaterVersionStillNamesItsJar(@TempDir Path jarStore)
      throws Exception {
    Operation upgrade = upgradeToNewJar(jarStore, UpgradeMode.LAST_STATE);
    // A later change of another setting before the reconciler took the upgrade up.
    pipeline.change("PATCH /api/v1/pipeline", spec -> spec.withParallelism(3));
    pipeline.step();

    await().during(Duration.ofMillis(500)).atMost(AT_ONCE).until(() -> inProgress(upgrade));

    String newJob = awaitUpgradedJob();
    Operation ended = awaitEnd(upgrade);
    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(newJob);
    assertThat(pipeline.flink.job(newJob).jar()).isEqualTo(NEW_JAR);
  }

  @Test
  void aDeploySupersededByASuspendAnswersAtOnceNamingTheVersionThatReplacedIt(
      @TempDir Path jarStore) throws Exception {
    CompletableFuture<Deployment> deploy = deployOnto(jarStore);
    DesiredState suspend = suspend();
    pipeline.step();

    // Before, the request waited its whole fraud.reconciler.await-timeout, then answered 409
    // saying the reconciler had not carried its version out.
    assertThat(deploy)
        .failsWithin(AT_ONCE)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            StateConflictException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains(supersededBy(suspend))
                  .contains("which suspends the pipeline");
              assertThat(e.properties())
                  .containsEntry("desired_version", suspend.version() - 1)
                  .containsEntry("superseded_by_version", suspend.version());
            });
    assertThat(pipeline.flink.activeJobs()).isEmpty();
  }

  @Test
  void aDeployAnswersWithTheJobOfALaterVersionThatStillRunsThePipeline(@TempDir Path jarStore)
      throws Exception {
    CompletableFuture<Deployment> deploy = deployOnto(jarStore);
    pipeline.change("PATCH /api/v1/pipeline", spec -> spec.withParallelism(3));

    await().during(Duration.ofMillis(500)).atMost(AT_ONCE).until(() -> !deploy.isDone());

    String job = pipeline.step().jobId();
    assertThat(deploy.get(AT_ONCE.toSeconds(), TimeUnit.SECONDS).jobId()).isEqualTo(job);
    assertThat(pipeline.flink.job(job).parallelism()).isEqualTo(3);
  }

  /**
   * {@code POST /api/v1/jobs} of a pipeline declared suspended on {@link #RUNNING_JAR}, on a thread
   * of its own, once its desired version is accepted: it waits for the reconciler, which the test
   * has not stepped yet.
   */
  private CompletableFuture<Deployment> deployOnto(Path jarStore) {
    DesiredState suspended =
        pipeline.writer.propose(
            Optional.empty(),
            pipeline.writer.defaults().withJar(RUNNING_JAR, UpgradeMode.SAVEPOINT),
            true,
            "ops",
            "PUT /api/v1/pipeline");
    PipelineService deploying = pipeline.commands(TestingJobJars.holding(jarStore, RUNNING_JAR));
    CompletableFuture<Deployment> deploy =
        CompletableFuture.supplyAsync(() -> deploying.deploy(DeployRequest.defaults(), "ops"));
    await()
        .atMost(AT_ONCE)
        .until(() -> pipeline.desiredLog.current().orElseThrow().version() > suspended.version());
    return deploy;
  }

  /**
   * {@code POST /api/v1/pipeline/upgrade} to {@link #NEW_JAR} of the pipeline declared running on
   * {@link #RUNNING_JAR} in {@code mode}, whose job the reconciler deployed; not taken up yet.
   */
  private Operation upgradeToNewJar(Path jarStore, UpgradeMode mode) throws InterruptedException {
    return runningOnItsJar(jarStore, mode).upgrade(new UpgradeRequest(NEW_JAR, null), "ops");
  }

  /**
   * The upgrade endpoint onto the three jars, the pipeline declared running on {@link #RUNNING_JAR}
   * in {@code mode} and its job deployed.
   */
  private PipelineUpgrades runningOnItsJar(Path jarStore, UpgradeMode mode)
      throws InterruptedException {
    PipelineUpgrades upgrades =
        pipeline.upgrades(TestingJobJars.holding(jarStore, RUNNING_JAR, NEW_JAR, OTHER_JAR));
    pipeline.declareRunning(2, mode, RUNNING_JAR);
    return upgrades;
  }

  /** The next desired version, the pipeline suspended with a savepoint, as ops asked. */
  private DesiredState suspend() {
    return pipeline.change(
        "PATCH /api/v1/pipeline",
        spec -> spec.withState(PipelineState.SUSPENDED, SuspendMode.SAVEPOINT));
  }

  /** The next desired version, naming {@code jar}, as ops asked. */
  private DesiredState nameJar(String jar) {
    return pipeline.change("PATCH /api/v1/pipeline", spec -> spec.withJar(jar, spec.upgradeMode()));
  }

  /** How a wait ended by {@code later} names it. */
  private static String supersededBy(DesiredState later) {
    return "superseded by desired version " + later.version() + " (PATCH /api/v1/pipeline by ops)";
  }

  /**
   * Steps the reconciler until the upgrade it began has succeeded, the new job checkpointing as it
   * awaits readiness; returns the new job.
   */
  private String awaitUpgradedJob() {
    return await()
        .atMost(AT_ONCE)
        .until(
            () -> {
              PipelineStatus status = pipeline.step();
              Upgrade upgrade = status.upgrade();
              if (upgrade != null
                  && upgrade.phase() == Upgrade.Phase.AWAITING_READINESS
                  && upgrade.toJobId() != null) {
                pipeline.flink.completeCheckpoint(
                    upgrade.toJobId(),
                    1,
                    "file:/checkpoints/" + upgrade.toJobId() + "/chk-1",
                    pipeline.clock.instant());
              }
              return upgrade != null && upgrade.phase() == Upgrade.Phase.SUCCEEDED
                  ? status.jobId()
                  : null;
            },
            job -> job != null);
  }

  /** Declares the pipeline running at parallelism 2; returns the job the reconciler deployed. */
  private String runAtParallelismTwo(UpgradeMode mode) throws InterruptedException {
    pipeline.declareRunning(2, mode, null);
    return pipeline.jobId();
  }

  /**
   * {@code POST /api/v1/jobs/{id}/rescale} to parallelism 1 of the job the reconciler runs at 2,
   * declared in {@code mode}; not taken up yet.
   */
  private Operation rescaleToOne(UpgradeMode mode) throws InterruptedException {
    return commands.rescale(runAtParallelismTwo(mode), 1, "ops");
  }

  private Operation awaitFailure(Operation operation) {
    Operation ended = awaitEnd(operation);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    return ended;
  }

  private Operation awaitEnd(Operation operation) {
    // The operation read once per poll: judged and returned as read, not read again to judge it
    // (it could end between the two reads, and an IN_PROGRESS one be returned as ended).
    return await()
        .atMost(AT_ONCE)
        .until(() -> find(operation), op -> op.state() != OperationState.IN_PROGRESS);
  }

  private boolean inProgress(Operation operation) {
    return find(operation).state() == OperationState.IN_PROGRESS;
  }

  private Operation find(Operation operation) {
    return pipeline.operations.operations().find(operation.id()).orElseThrow();
  }

  private static PipelineSpec withGuarantee(PipelineSpec spec, DeliveryGuarantee guarantee) {
    return new PipelineSpec(
        spec.state(),
        spec.parallelism(),
        guarantee,
        spec.upgradeMode(),
        spec.suspendMode(),
        spec.restartFailed(),
        spec.restoreSavepointPath(),
        spec.allowNonRestoredState(),
        spec.jarSha256());
  }
}
