package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.jobs.FraudJob;
import java.time.Instant;

/**
 * {@code GET /api/v1/pipeline}: what should run next to what runs.
 *
 * @param desired the desired state (null until one is declared)
 * @param observed the active fraud job as last observed (null when none runs)
 * @param flinkReachable whether Flink answered the last observation
 * @param observedAt when Flink was last observed
 * @param inSync whether the observed job matches the desired state
 * @param status what the reconciler last did and knows (null before its first step)
 * @param upgrade whether an upgrade is available and why, and the upgrade under way or the last
 * @param leader the replica that reconciles, when known
 * @param replica the replica that answered
 */
public record PipelineView(
    DesiredState desired,
    FraudJob observed,
    boolean flinkReachable,
    Instant observedAt,
    boolean inSync,
    PipelineStatus status,
    UpgradeView upgrade,
    String leader,
    String replica) {}
