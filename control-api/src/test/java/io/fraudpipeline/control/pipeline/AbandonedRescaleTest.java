package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.PipelineEvent;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationOutcomes;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.support.TestLeadership;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rescale as another replica reads it should the one that accepted it stop: its record, as the
 * request wrote it, ties it to the reconciler's work, so the real reconciler's rescale on the
 * in-memory parts of {@link ReconciledPipeline} tells its end.
 */
class AbandonedRescaleTest {

  private static final String RESCALE = "POST /api/v1/jobs/{id}/rescale";

  private final ReconciledPipeline pipeline = new ReconciledPipeline();
  private final PipelineService commands = pipeline.commands();
  private final PipelineOperationOutcomes outcomes =
      new PipelineOperationOutcomes(
          pipeline.statusStore::read,
          pipeline.flink::fraudJobs,
          pipeline.desiredLog::history,
          pipeline.events);

  /** The leader (cp-a), ending what cp-b left in progress, on the same pipeline and events. */
  private final InMemoryOperations leader =
      new InMemoryOperations(
          new TestLeadership("cp-a", true, Optional.of(Set.of("cp-a"))),
          pipeline.clock,
          Duration.ZERO,
          List.of(outcomes));

  @AfterEach
  void tearDown() {
    leader.close();
    pipeline.close();
  }

  @Test
  void aRescalesRecordTellsItsEndFromTheReconcilersWorkAlone() throws Exception {
    pipeline.declareRunning(2, UpgradeMode.SAVEPOINT, null);
    String oldJob = pipeline.jobId();
    // As accepted, before anything ran: what the operations topic holds when its replica dies.
    Operation accepted = commands.rescale(oldJob, 1, "ops");

    assertThat(accepted.desiredVersion())
        .isEqualTo(pipeline.desiredLog.current().orElseThrow().version());
    assertThat(outcomes.outcomeOf(accepted))
        .get()
        .as("the job not replaced yet")
        .isInstanceOf(OperationOutcomes.UnderWay.class);

    // The reconciler (on whichever replica leads) stops the job with a savepoint, then deploys it
    // at parallelism 1.
    String savepoint = pipeline.step().lastState().path();
    String newJob = pipeline.step().jobId();

    assertThat(newJob).isNotEqualTo(oldJob);
    assertThat(outcomes.outcomeOf(accepted))
        .isEqualTo(Optional.of(new OperationOutcomes.Completed(newJob, savepoint)));
  }

  /**
   * Probe 6 (P6-4): the leader that accepted the rescale was killed while Flink took the new job's
   * run request, so it never recorded the deployment's event; the events named the old job only.
   * The replica that completes the operation records the event a rescale's deployment does.
   */
  @Test
  void aRescaleWhoseReplicaWasKilledSubmittingTheNewJobEndsWithTheEventNamingIt() throws Exception {
    Operation left = rescaleLeftByCpB();
    String oldJob = left.jobId();
    String savepoint = pipeline.step().lastState().path();
    pipeline.flink.killCallerOfNextSubmission();
    assertThatThrownBy(pipeline::step).isInstanceOf(TestingFlinkService.CallerKilled.class);
    // Its intent, written before Flink was asked, names the job Flink now runs.
    String newJob = pipeline.jobId();
    assertThat(pipeline.flink.job(newJob).state()).isEqualTo("RUNNING");
    assertThat(naming(newJob)).as("as the probe saw: no event names the new job").isEmpty();

    leader.operations().failLeftBehind();
    leader.operations().failLeftBehind();

    Operation ended = leader.recorded(left.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(newJob);
    assertThat(naming(newJob))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.type()).isEqualTo(PipelineEvent.Type.NORMAL);
              assertThat(event.reason()).isEqualTo(EventReason.JOB_DEPLOYED);
              assertThat(event.message())
                  .startsWith(deployedMessage(oldJob, savepoint, newJob) + " (")
                  .contains("stopped before recording it")
                  .contains(left.id());
            });
  }

  /** A normal rescale's event, which the one above matches; completing it adds none. */
  @Test
  void aRescaleWhoseDeploymentWasRecordedGetsNoSecondEvent() throws Exception {
    Operation left = rescaleLeftByCpB();
    String oldJob = left.jobId();
    String savepoint = pipeline.step().lastState().path();
    String newJob = pipeline.step().jobId();
    List<PipelineEvent> recorded = naming(newJob);
    assertThat(recorded)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.reason()).isEqualTo(EventReason.JOB_DEPLOYED);
              assertThat(event.message()).isEqualTo(deployedMessage(oldJob, savepoint, newJob));
            });

    leader.operations().failLeftBehind();

    assertThat(leader.recorded(left.id()).orElseThrow().state())
        .isEqualTo(OperationState.COMPLETED);
    assertThat(naming(newJob)).isEqualTo(recorded);
  }

  /**
   * A pipeline at parallelism 2 asked for 1, the operation in progress as cp-b (not in the group)
   * recorded it; the reconciler has not acted on it yet.
   */
  private Operation rescaleLeftByCpB() throws InterruptedException {
    pipeline.declareRunning(2, UpgradeMode.SAVEPOINT, null);
    String oldJob = pipeline.jobId();
    DesiredState asked = pipeline.change(RESCALE, spec -> spec.withParallelism(1));
    Operation left =
        InMemoryOperations.inProgress(
            OperationKind.RESCALE, oldJob, "cp-b", pipeline.clock.instant(), asked.version());
    leader.record(left);
    return left;
  }

  private List<PipelineEvent> naming(String jobId) {
    return pipeline.events.all().stream().filter(e -> jobId.equals(e.jobId())).toList();
  }

  private static String deployedMessage(String oldJob, String savepoint, String newJob) {
    return "Replacement of job "
        + oldJob
        + " deployed from savepoint "
        + savepoint
        + " as job "
        + newJob;
  }
}
