package io.fraudpipeline.control.flink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link FlinkService} whose run requests are still in flight when the caller moves on: each
 * submission is kept until the test {@link #land lands} it on the service underneath, as a
 * replica's submission that reached Flink only after the replica lost the leadership (probe 6,
 * P6-9: 26 s later). Everything else goes straight through.
 */
public final class InFlightSubmissions implements FlinkService {

  private final FlinkService flink;
  private final List<JobSubmission> inFlight = new ArrayList<>();

  public InFlightSubmissions(FlinkService flink) {
    this.flink = flink;
  }

  /** The submissions made so far that have not landed. */
  public synchronized List<JobSubmission> inFlight() {
    return List.copyOf(inFlight);
  }

  /**
   * Lands the one submission in flight on the service underneath.
   *
   * @throws DuplicateJobException when Flink already has a job with its JobID
   */
  public void land() {
    JobSubmission submission;
    synchronized (this) {
      if (inFlight.size() != 1) {
        throw new IllegalStateException("Submissions in flight: " + inFlight);
      }
      submission = inFlight.remove(0);
    }
    flink.submit(submission);
  }

  @Override
  public synchronized void submit(JobSubmission submission) {
    inFlight.add(submission);
  }

  @Override
  public List<FlinkJob> fraudJobs() {
    return flink.fraudJobs();
  }

  @Override
  public String stopWithSavepoint(String jobId, boolean drain, Duration timeout)
      throws InterruptedException {
    return flink.stopWithSavepoint(jobId, drain, timeout);
  }

  @Override
  public String triggerSavepoint(String jobId, Duration timeout, Consumer<String> onWritten)
      throws InterruptedException {
    return flink.triggerSavepoint(jobId, timeout, onWritten);
  }

  @Override
  public boolean disposeSavepoint(String path, Duration timeout) throws InterruptedException {
    return flink.disposeSavepoint(path, timeout);
  }

  @Override
  public CheckpointTrigger triggerCheckpoint(String jobId) {
    return flink.triggerCheckpoint(jobId);
  }

  @Override
  public Optional<Long> checkpointOutcome(CheckpointTrigger trigger) {
    return flink.checkpointOutcome(trigger);
  }

  @Override
  public Optional<FlinkJob.CompletedCheckpoint> lastSavepoint(String jobId) {
    return flink.lastSavepoint(jobId);
  }

  @Override
  public void cancel(String jobId, Duration timeout) throws InterruptedException {
    flink.cancel(jobId, timeout);
  }
}
