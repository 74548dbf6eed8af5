package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationOutcomes;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rescale as another replica reads it should the one that accepted it stop: its record, as the
 * request wrote it, ties it to the reconciler's work, so the real reconciler's rescale on the
 * in-memory parts of {@link ReconciledPipeline} tells its end.
 */
class AbandonedRescaleTest {

  private final ReconciledPipeline pipeline = new ReconciledPipeline();
  private final PipelineService commands = pipeline.commands();
  private final PipelineOperationOutcomes outcomes =
      new PipelineOperationOutcomes(
          pipeline.statusStore::read, pipeline.flink::fraudJobs, pipeline.desiredLog::history);

  @AfterEach
  void tearDown() {
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
}
