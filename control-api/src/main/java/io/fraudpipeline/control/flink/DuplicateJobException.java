package io.fraudpipeline.control.flink;

/** Flink already has a job with the submitted JobID: the submission was repeated or stale. */
public class DuplicateJobException extends RuntimeException {

  public DuplicateJobException(String jobId, Throwable cause) {
    super("Flink already knows job " + jobId + "; the submission was not run again", cause);
  }
}
