package io.fraudpipeline.control.flink;

import io.fraudpipeline.flink.FlinkRequestException;

/**
 * Flink answered a command on a job with 404: it does not know the job. A JobManager replaced
 * without HA knows none of its predecessor's jobs, and one with HA may answer so for a job it has
 * not recovered yet: that the job ended is not to be concluded from it, only an observation of
 * Flink's jobs tells whether the job is there.
 */
public class UnknownJobException extends FlinkRequestException {

  private final String jobId;

  public UnknownJobException(String jobId, FlinkRequestException answer) {
    super(
        answer.flinkStatus(),
        "Flink does not know job " + jobId + " (" + answer.getMessage() + ")",
        answer);
    this.jobId = jobId;
  }

  protected UnknownJobException(int flinkStatus, String jobId, String message, Throwable cause) {
    super(flinkStatus, message, cause);
    this.jobId = jobId;
  }

  /** The job Flink did not know. */
  public String jobId() {
    return jobId;
  }
}
