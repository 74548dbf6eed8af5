package io.fraudpipeline.control.jobs;

import java.time.Duration;
import java.time.Instant;

/**
 * The job's checkpoints as Flink counts them since the job started.
 *
 * @param completed completed checkpoints (savepoints included)
 * @param failed failed checkpoints
 * @param inProgress checkpoints in progress now
 * @param restored times the job restored from a checkpoint or savepoint
 * @param lastCompleted the latest completed checkpoint
 * @param lastFailed the latest failed checkpoint
 */
public record CheckpointSummary(
    long completed,
    long failed,
    long inProgress,
    long restored,
    LastCheckpoint lastCompleted,
    LastCheckpoint lastFailed) {

  /**
   * One checkpoint.
   *
   * @param id Flink's checkpoint id
   * @param triggeredAt when it was triggered
   * @param duration how long it took (end to end)
   * @param age how long ago it ended, as of the observation
   * @param savepoint whether it was a savepoint
   * @param stateSize bytes of state it holds, all operators together: with aggregate rules mostly
   *     the transactions their windows hold, which every checkpoint writes in full
   * @param failure why it failed, for a failed one
   */
  public record LastCheckpoint(
      long id,
      Instant triggeredAt,
      Duration duration,
      Duration age,
      boolean savepoint,
      long stateSize,
      String failure) {}
}
