package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The settings an operator declares for the pipeline: the editable part of the {@link
 * DesiredState}, what {@code PUT /api/v1/pipeline} takes and {@code PATCH} merges into.
 *
 * @param state {@code running} or {@code suspended}
 * @param parallelism the job's parallelism
 * @param deliveryGuarantee its sink guarantee
 * @param upgradeMode how a running job is replaced when these settings change
 * @param suspendMode how a running job is taken down on {@code suspended}
 * @param restartFailed whether a job Flink gave up on ({@code FAILED}) is restarted from its last
 *     state, within the restart budget
 * @param restoreSavepointPath the savepoint a fresh start restores, null for none; changing it
 *     replaces a running job's state with the savepoint's
 * @param allowNonRestoredState whether state no operator claims is skipped on restore
 * @param jarSha256 the job jar to run, by checksum (an upgrade changes it, a rollback changes it
 *     back); null in a state declared before jars were versioned: the running job's jar stays, a
 *     new deploy takes the shipped one
 */
public record PipelineSpec(
    @Schema(
            description =
                "running or suspended (the default). In a PATCH, null removes the member, which"
                    + " then takes its default: {\"state\": null} suspends the pipeline (its job"
                    + " is stopped as suspend_mode says); leave state out to keep it as it is.")
        PipelineState state,
    int parallelism,
    DeliveryGuarantee deliveryGuarantee,
    UpgradeMode upgradeMode,
    SuspendMode suspendMode,
    boolean restartFailed,
    String restoreSavepointPath,
    boolean allowNonRestoredState,
    String jarSha256) {

  public boolean running() {
    return state == PipelineState.RUNNING;
  }

  PipelineSpec withState(PipelineState newState, SuspendMode newSuspendMode) {
    return new PipelineSpec(
        newState,
        parallelism,
        deliveryGuarantee,
        upgradeMode,
        newSuspendMode,
        restartFailed,
        restoreSavepointPath,
        allowNonRestoredState,
        jarSha256);
  }

  PipelineSpec withParallelism(int newParallelism) {
    return new PipelineSpec(
        state,
        newParallelism,
        deliveryGuarantee,
        upgradeMode,
        suspendMode,
        restartFailed,
        restoreSavepointPath,
        allowNonRestoredState,
        jarSha256);
  }

  PipelineSpec withJar(String newJarSha256, UpgradeMode newUpgradeMode) {
    return new PipelineSpec(
        state,
        parallelism,
        deliveryGuarantee,
        newUpgradeMode,
        suspendMode,
        restartFailed,
        restoreSavepointPath,
        allowNonRestoredState,
        newJarSha256);
  }

  /** What a job must have been deployed with to count as this spec's job. */
  boolean sameJobSettings(Integer jobParallelism, DeliveryGuarantee jobGuarantee) {
    return (jobParallelism == null || jobParallelism == parallelism)
        && (jobGuarantee == null || jobGuarantee == deliveryGuarantee);
  }
}
