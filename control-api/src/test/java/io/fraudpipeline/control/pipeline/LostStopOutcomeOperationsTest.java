package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.jobs.TestingJobJars;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a stop, rescale or upgrade operation ends when Flink lost the outcome of its stop with
 * savepoint (the JobManager replaced without HA after the savepoint completed, before its outcome
 * was read): as the stop did, told by the savepoint found in the savepoint directory, not FAILED
 * with "Flink does not know the savepoint trigger". The real reconciler decides each step, on the
 * in-memory Flink and stores of {@link ReconciledPipeline}; LostSavepointOutcomeTest does it on a
 * real cluster.
 */
class LostStopOutcomeOperationsTest {

  private static final Duration AT_ONCE = Duration.ofSeconds(5);
  private static final String NEW_JAR = "b".repeat(64);

  @TempDir Path checkpoints;
  @TempDir Path savepoints;

  private ReconciledPipeline pipeline;
  private PipelineService commands;
  private String job;

  @BeforeEach
  void runWithACheckpoint() throws Exception {
    pipeline =
        new ReconciledPipeline(
            new CheckpointStorage(
                new StopSavepoints(() -> Optional.of(savepoints.toUri().toString()))));
    commands = pipeline.commands();
    pipeline.declareRunning(1, UpgradeMode.SAVEPOINT, null);
    job = pipeline.jobId();
    Instant at = Instant.now().minusSeconds(10);
    String checkpoint = FlinkStateFiles.uri(FlinkStateFiles.checkpoint(checkpoints, job, 7, at));
    pipeline.flink.completeCheckpoint(job, 7, checkpoint, at);
    pipeline.step();
  }

  @AfterEach
  void tearDown() {
    pipeline.close();
  }

  @Test
  void aStopWhoseOutcomeFlinkLostCompletesWithTheSavepointItTook() throws Exception {
    PipelineStatus suspended = stopCompletesWith(lostStopSavepoint());

    assertThat(suspended.lastStep().message()).contains("Flink lost the stop's outcome");
  }

  @Test
  void aRescaleWhoseStopOutcomeFlinkLostCompletesOnTheJobResumedFromTheSavepointItTook()
      throws Exception {
    rescaleCompletesOnTheJobResumedFrom(lostStopSavepoint());
  }

  @Test
  void anUpgradeWhoseStopOutcomeFlinkLostCompletesOnTheNewJarWithTheSavepointItTook(
      @TempDir Path jarStore) throws Exception {
    PipelineUpgrades upgrades =
        pipeline.upgrades(
            TestingJobJars.holding(jarStore, TestingFlinkService.SHIPPED_JAR, NEW_JAR));
    String savepoint = lostStopSavepoint();
    Operation upgrade = upgrades.upgrade(new UpgradeRequest(NEW_JAR, null), "ops");

    pipeline.step();
    String newJob = pipeline.step().jobId();
    pipeline.flink.completeCheckpoint(
        newJob, 9, "file:/checkpoints/" + newJob + "/chk-9", pipeline.clock.instant());
    pipeline.step();

    Operation ended = awaitEnd(upgrade);
    assertThat(ended.state()).as(ended.failureCause()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(newJob);
    assertThat(ended.savepointPath()).isEqualTo(savepoint);
    assertThat(pipeline.flink.job(newJob).jar()).isEqualTo(NEW_JAR);
    assertThat(pipeline.flink.job(newJob).restoredFrom()).isEqualTo(savepoint);
  }

  @Test
  void aStopWhoseOutcomeFlinkLostFailsSayingSoWhenNoSavepointOfItIsFound() throws Exception {
    pipeline.flink.loseTheOutcomeOfTheNextStop(jobId -> true);
    Operation stop = commands.stop(job, false, "ops");

    pipeline.step();

    Operation ended = awaitEnd(stop);
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .contains("outcome Flink lost")
        .contains("whether it completed is not known");
    assertThat(ended.savepointPath()).isNull();
  }

  @Test
  void aRescaleWhoseStopCompletedBeforeFlinkLostTheJobCompletesOnTheJobResumedFromThatSavepoint()
      throws Exception {
    rescaleCompletesOnTheJobResumedFrom(jobLostOnceTheNextStopCompletes());
  }

  @Test
  void aStopWhoseSavepointCompletedBeforeFlinkLostTheJobCompletesWithThatSavepoint()
      throws Exception {
    PipelineStatus suspended = stopCompletesWith(jobLostOnceTheNextStopCompletes());

    assertThat(suspended.lastStep().message()).contains("then lost the job");
  }

  @Test
  void aCancelDuringWhichFlinkLostTheJobCompletesOnceThePipelineIsRecordedSuspended()
      throws Exception {
    pipeline.flink.loseTheJobsDuringTheNextCancel();
    Operation cancel = commands.cancel(job, "ops");

    pipeline.step();
    PipelineStatus suspended = pipeline.step();

    Operation ended = awaitEnd(cancel);
    assertThat(ended.state()).as(ended.failureCause()).isEqualTo(OperationState.COMPLETED);
    assertThat(suspended.suspended()).isTrue();
    assertThat(suspended.jobId()).isEqualTo(job);
  }

  /**
   * The next stop completes a savepoint of the job and Flink says so, then its JobManager is
   * replaced before the job's end is read. The savepoint is in the savepoint directory, as Flink
   * wrote it.
   */
  private String jobLostOnceTheNextStopCompletes() throws Exception {
    String savepoint =
        FlinkStateFiles.uri(FlinkStateFiles.savepoint(savepoints, job, 8, Instant.now(), true));
    pipeline.flink.loseTheJobsOnceTheNextStopCompletes(savepoint);
    return savepoint;
  }

  /**
   * The next stop completes a savepoint of the job, then Flink's JobManager is replaced before its
   * outcome is read. Written before the stop is asked for: the reconciler looks only after.
   */
  private String lostStopSavepoint() throws Exception {
    String savepoint =
        FlinkStateFiles.uri(FlinkStateFiles.savepoint(savepoints, job, 8, Instant.now(), true));
    pipeline.flink.loseTheOutcomeOfTheNextStop(jobId -> true);
    return savepoint;
  }

  /** A stop, in one step, suspends the pipeline and completes with {@code savepoint}. */
  private PipelineStatus stopCompletesWith(String savepoint) throws Exception {
    Operation stop = commands.stop(job, false, "ops");

    PipelineStatus suspended = pipeline.step();

    Operation ended = awaitEnd(stop);
    assertThat(ended.state()).as(ended.failureCause()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.savepointPath()).isEqualTo(savepoint);
    assertThat(suspended.suspended()).isTrue();
    return suspended;
  }

  /** A rescale, in two steps, completes on a job at the new parallelism resumed from it. */
  private void rescaleCompletesOnTheJobResumedFrom(String savepoint) throws Exception {
    Operation rescale = commands.rescale(job, 2, "ops");

    pipeline.step();
    String newJob = pipeline.step().jobId();

    Operation ended = awaitEnd(rescale);
    assertThat(ended.state()).as(ended.failureCause()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(newJob).isNotEqualTo(job);
    assertThat(ended.savepointPath()).isEqualTo(savepoint);
    assertThat(pipeline.flink.job(newJob).parallelism()).isEqualTo(2);
    assertThat(pipeline.flink.job(newJob).restoredFrom()).isEqualTo(savepoint);
  }

  private Operation awaitEnd(Operation operation) {
    return await()
        .atMost(AT_ONCE)
        .until(
            () -> pipeline.operations.operations().find(operation.id()).orElseThrow(),
            op -> op.state() != OperationState.IN_PROGRESS);
  }
}
