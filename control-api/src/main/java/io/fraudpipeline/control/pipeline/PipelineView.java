package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.savepoints.RestoreSafety;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * {@code GET /api/v1/pipeline}: what should run next to what runs.
 *
 * @param desired the desired state (null until one is declared)
 * @param observed the active fraud job as last observed; when none runs, one with only its {@code
 *     state} ({@code NONE}, or {@code UNKNOWN} when Flink did not answer) and {@code observed_at}
 * @param flinkReachable whether Flink answered the last observation
 * @param observedAt when Flink was last observed
 * @param inSync whether the observed job matches the desired state
 * @param status what the reconciler last did and knows (null before its first step)
 * @param lastStateSafety whether the reconciler's last state ({@code status.last_state}) can be
 *     restored without loss: Kafka still has every transactions record after its offsets
 * @param upgrade whether an upgrade is available and why, and the upgrade under way or the last
 * @param leader the replica that reconciles, when known
 * @param replica the replica that answered
 */
public record PipelineView(
    DesiredState desired,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) FraudJob observed,
    boolean flinkReachable,
    Instant observedAt,
    boolean inSync,
    PipelineStatus status,
    RestoreSafety lastStateSafety,
    UpgradeView upgrade,
    String leader,
    String replica) {}
