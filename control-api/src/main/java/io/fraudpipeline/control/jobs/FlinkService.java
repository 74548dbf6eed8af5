package io.fraudpipeline.control.jobs;

import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Duration;
import java.util.List;

/**
 * What the reconciler needs of Flink, in the project's own records. {@link RestFlinkService} speaks
 * Flink's REST API; tests use an in-memory fake with failure switches. Every method may throw
 * {@link FlinkUnavailableException} (no answer) or {@link FlinkRequestException} (Flink refused).
 */
public interface FlinkService {

  /** Every fraud job Flink knows: active ones first, then the newest first. */
  List<FlinkJob> fraudJobs();

  /**
   * Runs the embedded fraud job under the submission's JobID.
   *
   * @throws DuplicateJobException when Flink already has (or had) a job with that id: a stale or
   *     repeated submission
   */
  void submit(JobSubmission submission);

  /** Stops the job with a savepoint and waits until it has ended; returns the savepoint's path. */
  String stopWithSavepoint(String jobId, boolean drain, Duration timeout)
      throws InterruptedException;

  /** Cancels the job and waits until it has ended. */
  void cancel(String jobId, Duration timeout) throws InterruptedException;
}
