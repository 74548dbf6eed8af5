package io.fraudpipeline.control.flink;

import java.time.Instant;

/**
 * A fraud job as the reconciler sees it on Flink.
 *
 * @param jobId Flink's job id (32 hex digits)
 * @param state Flink's job state ({@code RUNNING}, {@code RESTARTING}, {@code FAILED}...)
 * @param startTime when it was submitted
 * @param endTime when it ended (ended jobs), if reported
 * @param parallelism the highest operator parallelism (active jobs), else null
 * @param deliveryGuarantee the guarantee it was deployed with (active jobs), if it says
 * @param restarts restarts since submission (active jobs), if reported
 * @param lastCheckpoint its newest completed checkpoint (active jobs), if any
 * @param failureCause the root cause Flink reports (failed jobs), if any
 * @param jarSha256 the checksum of the jar it runs (active jobs), if it says
 * @param tasks where its tasks are on their way to running (active jobs), if known
 */
public record FlinkJob(
    String jobId,
    String state,
    Instant startTime,
    Instant endTime,
    Integer parallelism,
    DeliveryGuarantee deliveryGuarantee,
    Long restarts,
    CompletedCheckpoint lastCheckpoint,
    String failureCause,
    String jarSha256,
    TaskStates tasks) {

  /** A job that has ended, as the overview lists it. */
  public static FlinkJob ended(
      String jobId, String state, Instant startTime, Instant endTime, String failureCause) {
    return new FlinkJob(
        jobId, state, startTime, endTime, null, null, null, null, failureCause, null, null);
  }

  /** Not globally terminal: it holds slots or wants them. */
  public boolean isActive() {
    return !isTerminal();
  }

  public boolean isTerminal() {
    return JobStates.isGloballyTerminal(state);
  }

  public boolean isRunning() {
    return "RUNNING".equals(state);
  }

  public boolean isFailed() {
    return "FAILED".equals(state);
  }

  /** Whether every task runs (active jobs), if known. */
  public Boolean tasksRunning() {
    return tasks == null ? null : tasks.everyTaskRunning();
  }

  /**
   * A completed checkpoint.
   *
   * @param id the checkpoint id
   * @param path where it is stored (what a restore passes back to Flink)
   * @param completedAt when it completed
   */
  public record CompletedCheckpoint(long id, String path, Instant completedAt) {}
}
