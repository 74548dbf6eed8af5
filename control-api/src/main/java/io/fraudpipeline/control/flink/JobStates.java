package io.fraudpipeline.control.flink;

import org.apache.flink.api.common.JobStatus;

/**
 * Flink's job states by name, as {@link FlinkJob} and the observed jobs hold them. Whether a job
 * has ended is Flink's own answer, {@link JobStatus#isGloballyTerminalState()} ({@code FINISHED},
 * {@code CANCELED}, {@code FAILED}), which the code that holds a {@link JobStatus} asks directly: a
 * {@code SUSPENDED} job has only lost its JobManager and comes back.
 */
public final class JobStates {

  private JobStates() {}

  /** Whether a job in this state has ended for good: it holds no slots and wants none. */
  public static boolean isGloballyTerminal(String state) {
    if (state == null) {
      return false;
    }
    try {
      return JobStatus.valueOf(state).isGloballyTerminalState();
    } catch (IllegalArgumentException unknown) {
      // Not a state this Flink names: nothing says the job has ended.
      return false;
    }
  }
}
