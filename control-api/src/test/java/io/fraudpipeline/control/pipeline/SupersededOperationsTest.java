package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stop, cancel or rescale operation whose desired version a later one supersedes: it ends at once
 * when the later version rules out its goal (keeping the savepoint the reconciler already took),
 * and keeps waiting when the later version still leads there. The real reconciler decides each
 * step, on the in-memory Flink and stores of {@link ReconciledPipeline}.
 */
class SupersededOperationsTest {

  private static final Duration AT_ONCE = Duration.ofSeconds(5);

  private final ReconciledPipeline pipeline = new ReconciledPipeline();
  private final PipelineService commands = pipeline.commands();

  @AfterEach
  void tearDown() {
    pipeline.close();
  }

  @Test
  void aRescaleSupersededByASuspendFailsAtOnceKeepingTheSavepointItsStopStepTook()
      throws Exception {
    String oldJob = runAtParallelismTwo(UpgradeMode.SAVEPOINT);
    Operation rescale = commands.rescale(oldJob, 1, "ops");
    // The reconciler stops the job with a savepoint for the rescale, then finds it suspended.
    String savepoint = pipeline.step().lastState().path();
    DesiredState suspend =
        pipeline.change(
            "PATCH /api/v1/pipeline",
            spec -> spec.withState(PipelineState.SUSPENDED, SuspendMode.SAVEPOINT));
    pipeline.step();

    Operation ended = awaitEnd(rescale);

    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .contains(
            "superseded by desired version "
                + suspend.version()
                + " (PATCH /api/v1/pipeline by ops)")
        .contains("which suspends the pipeline");
    assertThat(ended.savepointPath()).isEqualTo(savepoint).startsWith("file:/savepoints/");
  }

  @Test
  void aRescaleSupersededByAnotherParallelismFailsAtOnceNamingNoSavepointWhenNoneWasTaken()
      throws Exception {
    String oldJob = runAtParallelismTwo(UpgradeMode.LAST_STATE);
    Operation rescale = commands.rescale(oldJob, 1, "ops");
    pipeline.change("PATCH /api/v1/pipeline", spec -> spec.withParallelism(3));
    // Taken down for parallelism 3 without a savepoint (last-state: cancelled).
    pipeline.step();

    Operation ended = awaitEnd(rescale);

    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause()).contains("which asks for parallelism 3");
    assertThat(ended.savepointPath()).isNull();
  }

  @Test
  void aRescaleCompletesWhenALaterVersionStillAsksForItsParallelism() throws Exception {
    String oldJob = runAtParallelismTwo(UpgradeMode.SAVEPOINT);
    Operation rescale = commands.rescale(oldJob, 1, "ops");
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
    assertThat(ended.newJobId()).isEqualTo(newJob).isNotEqualTo(oldJob);
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

    Operation ended = awaitEnd(stop);

    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .contains(
            "superseded by desired version "
                + resume.version()
                + " (PATCH /api/v1/pipeline by ops)")
        .contains("which runs the pipeline again");
    assertThat(ended.savepointPath()).isEqualTo(savepoint);
  }

  /** Declares the pipeline running at parallelism 2; returns the job the reconciler deployed. */
  private String runAtParallelismTwo(UpgradeMode mode) throws InterruptedException {
    pipeline.declareRunning(2, mode, null);
    return pipeline.jobId();
  }

  private Operation awaitEnd(Operation operation) {
    return await().atMost(AT_ONCE).until(() -> find(operation), op -> !inProgress(op));
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
