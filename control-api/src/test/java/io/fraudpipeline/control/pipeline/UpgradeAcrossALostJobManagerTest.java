package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.jobs.TestingJobJars;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/pipeline/upgrade} when the JobManager (no HA) is lost while the old job's
 * stop-with-savepoint is in flight (probe 7, P7-4): the fresh JobManager gets one job, on the new
 * jar, from the old job's last checkpoint, and the upgrade's operation ends with it. The real
 * reconciler decides each step, on the in-memory Flink and stores of {@link ReconciledPipeline}.
 */
class UpgradeAcrossALostJobManagerTest {

  private static final String RUNNING_JAR = "a".repeat(64);
  private static final String NEW_JAR = "b".repeat(64);

  private final ReconciledPipeline pipeline = new ReconciledPipeline();

  @AfterEach
  void tearDown() {
    pipeline.close();
  }

  @Test
  void anUpgradeWhoseOldJobWasLostCompletesWithOneJobOnTheNewJar(@TempDir Path jarStore)
      throws Exception {
    PipelineUpgrades upgrades =
        pipeline.upgrades(TestingJobJars.holding(jarStore, RUNNING_JAR, NEW_JAR));
    pipeline.declareRunning(2, UpgradeMode.SAVEPOINT, RUNNING_JAR);
    String oldJob = pipeline.jobId();
    String checkpoint = "file:/checkpoints/" + oldJob + "/chk-93";
    pipeline.flink.completeCheckpoint(oldJob, 93, checkpoint, pipeline.clock.instant());
    pipeline.step();

    Operation upgrade = upgrades.upgrade(new UpgradeRequest(NEW_JAR, null), "ops");
    pipeline.flink.failSavepoints("503: Service temporarily unavailable due to leader election");
    pipeline.step();
    pipeline.flink.failSavepoints(null);
    pipeline.flink.loseAllJobs();
    String newJob = pipeline.step().jobId();
    pipeline.flink.completeCheckpoint(
        newJob, 94, "file:/checkpoints/" + newJob + "/chk-94", pipeline.clock.instant());
    pipeline.step();

    Operation ended =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> pipeline.operations.operations().find(upgrade.id()).orElseThrow(),
                op -> op.state() != OperationState.IN_PROGRESS);
    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(newJob).isNotEqualTo(oldJob);
    assertThat(pipeline.flink.submissions())
        .as("the old job's, then the new jar's: no interim job on the old jar")
        .hasSize(2);
    assertThat(pipeline.flink.job(newJob).jar()).isEqualTo(NEW_JAR);
    assertThat(pipeline.flink.job(newJob).restoredFrom()).isEqualTo(checkpoint);
  }
}
