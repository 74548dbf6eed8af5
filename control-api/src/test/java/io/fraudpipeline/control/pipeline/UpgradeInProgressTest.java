package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.jobs.TestingJobJars;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationState;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/pipeline/upgrade} while another upgrade's operation is in progress, before
 * the reconciler has started that upgrade (its status does not say upgrading yet): refused with 409
 * naming the running operation. On the in-memory Flink and stores of {@link ReconciledPipeline}.
 */
class UpgradeInProgressTest {

  private static final String RUNNING_JAR = "a".repeat(64);
  private static final String NEW_JAR = "b".repeat(64);
  private static final String OTHER_JAR = "c".repeat(64);

  private final ReconciledPipeline pipeline = new ReconciledPipeline();
  private PipelineUpgrades upgrades;
  private DesiredState declared;

  @BeforeEach
  void runTheJobOnItsJar(@TempDir Path jarStore) throws InterruptedException {
    upgrades = pipeline.upgrades(TestingJobJars.holding(jarStore, RUNNING_JAR, NEW_JAR, OTHER_JAR));
    declared = pipeline.declareRunning(2, UpgradeMode.SAVEPOINT, RUNNING_JAR);
  }

  @AfterEach
  void tearDown() {
    pipeline.close();
  }

  @Test
  void aSecondUpgradeWhileTheFirstIsInProgressIsRefusedNamingIt() {
    Operation first = upgrades.upgrade(new UpgradeRequest(NEW_JAR, null), "ops");
    assertThat(first.state()).isEqualTo(OperationState.IN_PROGRESS);
    // The reconciler has not taken up the upgrade yet: its status still says the old jar runs.
    assertThat(pipeline.statusStore.read().orElseThrow().upgrading()).isFalse();

    assertThatThrownBy(() -> upgrades.upgrade(new UpgradeRequest(OTHER_JAR, null), "ops"))
        .isInstanceOf(StateConflictException.class)
        .hasMessageContaining("Operation " + first.id() + " (UPGRADE) is in progress")
        .satisfies(
            e ->
                assertThat(((StateConflictException) e).properties())
                    .containsEntry("operation_id", first.id()));
    // Nothing was declared for the refused one.
    DesiredState newest = pipeline.desiredLog.current().orElseThrow();
    assertThat(newest.version()).isEqualTo(declared.version() + 1);
    assertThat(newest.spec().jarSha256()).isEqualTo(NEW_JAR);
    assertThat(
            pipeline.operations.operations().list().stream()
                .filter(op -> op.kind() == OperationKind.UPGRADE))
        .hasSize(1);
  }

  @Test
  void anUpgradeAnotherReplicaDeclaredFirstIsRefusedRatherThanDeclaredTwice() {
    // The other replica's request for the same jar takes the next version after the checks here
    // passed (its operation is not known here yet): this one's write retries on that version.
    pipeline.desiredLog.beforeNextProposal(
        () ->
            pipeline.change(
                "POST /api/v1/pipeline/upgrade",
                spec -> spec.withJar(NEW_JAR, spec.upgradeMode())));

    assertThatThrownBy(() -> upgrades.upgrade(new UpgradeRequest(NEW_JAR, null), "ops"))
        .isInstanceOf(StateConflictException.class)
        .hasMessageContaining("was declared by another request");
    assertThat(pipeline.operations.operations().list()).isEmpty();
    // One upgrade declared, the other replica's.
    assertThat(pipeline.desiredLog.history())
        .extracting(d -> d.spec().jarSha256())
        .containsExactly(NEW_JAR, RUNNING_JAR);
  }
}
