package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.JobStates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The fraud job as the observer last saw it on Flink.
 *
 * @param jobId Flink's job id
 * @param name the job name
 * @param state Flink's job state (RUNNING, RESTARTING, FAILED, CANCELED, FINISHED...)
 * @param startTime when the job was submitted
 * @param endTime when it ended, for a terminated job
 * @param uptime time since it last became RUNNING, for a running job
 * @param parallelism the highest operator parallelism
 * @param deliveryGuarantee the sink guarantee it was deployed with (active jobs only)
 * @param restarts restarts since submission
 * @param checkpoints checkpoint statistics (active jobs only)
 * @param exceptions the most recent failures, newest first (active jobs only)
 * @param rulesVersionApplied the rule set version every subtask of every rules operator applies
 *     (the minimum of {@code rulesVersionsByOperator}), once Flink reports it for all of them
 * @param rulesVersionsByOperator the version each rules operator ({@code evaluate-rules}, {@code
 *     velocity-rule}, {@code aggregate-rules}) applies on all its subtasks (their {@code
 *     rulesVersionApplied} gauge, minimum over subtasks); an operator Flink reports no value for
 *     yet is left out
 * @param jarSha256 the checksum of the job jar it runs (active jobs deployed by this control plane)
 * @param observedAt when this was observed
 */
public record FraudJob(
    String jobId,
    String name,
    String state,
    Instant startTime,
    Instant endTime,
    Duration uptime,
    Integer parallelism,
    DeliveryGuarantee deliveryGuarantee,
    Long restarts,
    CheckpointSummary checkpoints,
    List<JobFailure> exceptions,
    Long rulesVersionApplied,
    Map<String, Long> rulesVersionsByOperator,
    String jarSha256,
    Instant observedAt) {

  /**
   * Only what Flink's job list tells: a job Flink is not asked about further (ended, or without a
   * JobMaster yet), or, without id and name, the pipeline view's stand-in when no job is known.
   */
  public static FraudJob withoutDetails(
      String jobId,
      String name,
      String state,
      Instant startTime,
      Instant endTime,
      List<JobFailure> exceptions,
      Instant observedAt) {
    return new FraudJob(
        jobId,
        name,
        state,
        startTime,
        endTime,
        null,
        null,
        null,
        null,
        null,
        exceptions,
        null,
        null,
        null,
        observedAt);
  }

  /** Whether the job is not in a globally terminal state (it holds or wants slots). */
  public boolean isActive() {
    return !JobStates.isGloballyTerminal(state);
  }
}
