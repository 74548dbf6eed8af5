package io.fraudpipeline.control.flink;

import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the reconciler needs of Flink, in the project's own records. {@code jobs.RestFlinkService}
 * speaks Flink's REST API; tests use an in-memory fake with failure switches. Every method may
 * throw {@link FlinkUnavailableException} (no answer) or {@link FlinkRequestException} (Flink
 * refused); a command on a job Flink does not know (a JobManager replaced without HA, or one with
 * HA that has not recovered it yet) throws {@link UnknownJobException}.
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

  /**
   * Stops the job with a savepoint and waits until it has ended; returns the savepoint's path.
   *
   * @throws SavepointAwaiter.SavepointFailedException when Flink reports a failure or the timeout
   *     passes before the savepoint's outcome
   * @throws IllegalStateException when the savepoint was written but the job had not ended by the
   *     timeout
   * @throws StoppedJobUnknownException when the savepoint completed and Flink then did not know the
   *     job (a JobManager replaced before the job's end was read): the stop's outcome
   */
  String stopWithSavepoint(String jobId, boolean drain, Duration timeout)
      throws InterruptedException;

  /**
   * Takes a savepoint of the running job, which keeps running, and waits for it; returns its path.
   *
   * @throws SavepointAwaiter.SavepointFailedException when Flink reports a failure or the timeout
   *     passes
   */
  default String triggerSavepoint(String jobId, Duration timeout) throws InterruptedException {
    return triggerSavepoint(jobId, timeout, path -> {});
  }

  /**
   * {@link #triggerSavepoint(String, Duration)}, telling {@code onWritten} the savepoint's path as
   * soon as Flink reports it written, also when the savepoint then fails (its files exist).
   */
  String triggerSavepoint(String jobId, Duration timeout, Consumer<String> onWritten)
      throws InterruptedException;

  /**
   * Disposes of a savepoint (Flink deletes its files) and waits until done.
   *
   * @return true when disposed of, false when Flink found nothing at the path (already deleted)
   * @throws FlinkRequestException when Flink reports the disposal failed
   * @throws FlinkUnavailableException when Flink does not answer or finish within the timeout
   */
  boolean disposeSavepoint(String path, Duration timeout) throws InterruptedException;

  /**
   * Asks Flink for a checkpoint of the running job now, beside the periodic ones; does not wait.
   * Read its outcome ({@link #checkpointOutcome}) until it has one: Flink's REST endpoint keeps the
   * result of every such request until it is read once, and a JobManager shutting down waits for
   * the unread ones (up to {@code rest.async.store-duration}, five minutes by default).
   */
  CheckpointTrigger triggerCheckpoint(String jobId);

  /**
   * The outcome of a {@link #triggerCheckpoint} request: the checkpoint's id once it completed,
   * empty while it is in progress.
   *
   * @throws FlinkRequestException when Flink reports that it failed (also for a job that does not
   *     run: Flink accepts the request and fails it)
   */
  Optional<Long> checkpointOutcome(CheckpointTrigger trigger);

  /**
   * The newest savepoint Flink reports for the job, also for one that has ended (while Flink still
   * lists it): the one a stop with savepoint left, whoever asked for it.
   */
  Optional<FlinkJob.CompletedCheckpoint> lastSavepoint(String jobId);

  /** Cancels the job and waits until it has ended. */
  void cancel(String jobId, Duration timeout) throws InterruptedException;
}
