package io.fraudpipeline.control.flink;

/**
 * A checkpoint asked of Flink beside the periodic ones ({@link FlinkService#triggerCheckpoint}).
 *
 * @param jobId the job's id (32 hex digits)
 * @param triggerId Flink's id of the request, under which it reports the outcome
 */
public record CheckpointTrigger(String jobId, String triggerId) {}
