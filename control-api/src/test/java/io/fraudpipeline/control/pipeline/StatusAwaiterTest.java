package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.errors.ExecutionFailedException;
import io.fraudpipeline.control.errors.StateConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a request waiting for its desired version ends on the reconciler's failed steps: the real
 * reconciler's steps on in-memory parts ({@link ReconciledPipeline}), the status read as a request
 * reads it. About a second.
 */
class StatusAwaiterTest {

  private static final String UNREADABLE =
      "Cannot find checkpoint or savepoint file/directory 'file:/no/such/savepoint'";

  private final ReconciledPipeline pipeline = new ReconciledPipeline();

  @AfterEach
  void close() {
    pipeline.close();
  }

  @Test
  void aRefusedSubmissionFailsTheWaitAtOnceEvenWhenTheNextStepReplacedIt()
      throws InterruptedException {
    Instant since = pipeline.clock.instant();
    DesiredState accepted = deployRefusedThenWaiting();

    long began = System.nanoTime();
    assertThatThrownBy(
            () ->
                pipeline.awaiter.awaitStatus(
                    accepted,
                    since,
                    Duration.ofSeconds(5),
                    "the test's timeout",
                    s -> s.jobId() != null && pipeline.awaiter.jobInitialised(s.jobId())))
        .isInstanceOf(ExecutionFailedException.class)
        .hasMessage(
            "Desired state version "
                + accepted.version()
                + " was accepted, but the reconciler's step failed: Submitting "
                + pipeline.jobId()
                + " failed: "
                + UNREADABLE);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aDeclaredJobWhoseSubmissionWasRefusedIsNotAwaitedEvenWhenTheNextStepReplacedIt()
      throws InterruptedException {
    deployRefusedThenWaiting();

    long began = System.nanoTime();
    // Before, only the last step was read: the wait for a job ran its whole await-timeout (30 s).
    assertThat(pipeline.awaiter.awaitActiveJob()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void anOlderVersionsFailedStepDoesNotFailTheWaitOfANewerOne() throws InterruptedException {
    pipeline.declareRunning(2, UpgradeMode.SAVEPOINT, null);
    pipeline.flink.loseAllJobs();
    pipeline.flink.refuseSubmissions(UNREADABLE);
    Instant since = pipeline.clock.instant();
    // Version 1's job is lost and its redeploy refused, just before version 2 is accepted.
    pipeline.step();
    DesiredState newer = pipeline.change("PATCH /api/v1/pipeline", spec -> spec.withParallelism(3));
    pipeline.flink.refuseSubmissions(null);
    pipeline.step();
    PipelineStatus status = pipeline.statusStore.read().orElseThrow();
    assertThat(status.desiredVersion()).isEqualTo(newer.version());
    assertThat(status.recentSteps())
        .anySatisfy(
            step -> {
              assertThat(step.action()).isEqualTo("failed");
              assertThat(step.at()).isAfter(since);
              assertThat(step.desiredVersion()).isEqualTo(newer.version() - 1);
            });

    // Still waiting for version 2's job at parallelism 3 when its time is up: not failed.
    assertThatThrownBy(
            () ->
                pipeline.awaiter.awaitStatus(
                    newer,
                    since,
                    Duration.ofMillis(500),
                    "the test's timeout",
                    s -> s.jobParallelism() != null && s.jobParallelism() == 3))
        .isInstanceOf(StateConflictException.class)
        .hasMessageContaining("had not carried it out within PT0.5S");
  }

  /**
   * A deploy's desired version (the first), whose submission Flink refused; a scheduled pass due
   * right after it waits for the backoff before any reader looked, so the last step is a wait.
   */
  private DesiredState deployRefusedThenWaiting() throws InterruptedException {
    DesiredState accepted =
        pipeline.writer.propose(
            Optional.empty(),
            pipeline.writer.defaults().withState(PipelineState.RUNNING, SuspendMode.SAVEPOINT),
            true,
            "ops",
            "POST /api/v1/jobs");
    pipeline.flink.refuseSubmissions(UNREADABLE);
    pipeline.stepUnseen();
    pipeline.step();
    assertThat(pipeline.statusStore.read().orElseThrow().lastStep().action()).isEqualTo("wait");
    return accepted;
  }
}
