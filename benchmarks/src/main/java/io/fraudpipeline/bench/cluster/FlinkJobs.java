package io.fraudpipeline.bench.cluster;

import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.SavepointStatus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;

/**
 * The job lifecycle steps the benchmarks time (upload, run, all tasks running, cancel,
 * stop-with-savepoint), through the control plane's own {@link FlinkRestClient}, so a measurement
 * of Flink is a measurement of the path the control plane takes.
 */
public final class FlinkJobs implements AutoCloseable {

  /** Polling this often keeps the timing error of a step well under the step. */
  private static final Duration POLL = Duration.ofMillis(10);

  private final FlinkRestClient flink;

  public FlinkJobs(String restUrl) {
    this.flink =
        new FlinkRestClient(URI.create(restUrl), Duration.ofSeconds(60), Duration.ofSeconds(120));
  }

  /** Uploads a jar; returns its id for {@link #run}. */
  public String uploadJar(Path jar) {
    return flink.uploadJar(jar);
  }

  /**
   * Runs an uploaded jar.
   *
   * @param savepointPath a savepoint to start from, or null
   * @param flinkConfiguration Flink settings for this job only (may be empty)
   * @return the job id
   */
  public String run(
      String jarId,
      String entryClass,
      List<String> args,
      int parallelism,
      String savepointPath,
      Map<String, String> flinkConfiguration) {
    JarRunRequestBody body =
        new JarRunRequestBody(
            entryClass, args, parallelism, null, null, savepointPath, null, flinkConfiguration);
    return flink.runJar(jarId, body).toHexString();
  }

  /**
   * Waits until every task of the job runs, polling every 10 ms.
   *
   * @return the nano time at which it was first seen running
   */
  public long awaitAllTasksRunning(String jobId, Duration timeout) throws InterruptedException {
    JobID job = JobID.fromHexString(jobId);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JobDetailsInfo details = flink.jobDetails(job);
      if (allTasksRunning(details)) {
        return System.nanoTime();
      }
      if (details.getJobStatus().isTerminalState()) {
        throw new IllegalStateException("job " + jobId + " ended as " + details.getJobStatus());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "job " + jobId + " not running after " + timeout + " (" + details.getJobStatus() + ")");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Cancels the job and waits until it has ended. */
  public void cancel(String jobId) throws InterruptedException {
    JobID job = JobID.fromHexString(jobId);
    flink.cancel(job);
    awaitTerminal(job, Duration.ofSeconds(60));
  }

  /**
   * Stops the job with a savepoint (into the cluster's default savepoint directory) and waits.
   *
   * @return the savepoint's location
   */
  public String stopWithSavepoint(String jobId, Duration timeout) throws InterruptedException {
    JobID job = JobID.fromHexString(jobId);
    TriggerId trigger = new TriggerId();
    flink.stopWithSavepoint(job, null, false, trigger);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      SavepointStatus status = flink.savepointStatus(job, trigger);
      if (status.completed()) {
        if (!status.succeeded()) {
          throw new IllegalStateException("savepoint of " + jobId + " failed: " + status.failure());
        }
        awaitTerminal(job, timeout);
        return status.location();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no savepoint of " + jobId + " within " + timeout);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Takes a checkpoint now (beside the periodic ones) and waits for it.
   *
   * @return the bytes of state it holds, all operators together, as Flink's checkpoint statistics
   *     give them
   */
  public long checkpointStateSize(String jobId, Duration timeout) throws InterruptedException {
    JobID job = JobID.fromHexString(jobId);
    TriggerId trigger = flink.triggerCheckpoint(job);
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<Long> taken = Optional.empty();
    while (true) {
      if (taken.isEmpty()) {
        taken = flink.triggeredCheckpoint(job, trigger);
      }
      if (taken.isPresent()) {
        // The statistics may show it a moment after the trigger reports it done.
        var latest = flink.checkpointStatistics(job).getLatestCheckpoints();
        var completed = latest == null ? null : latest.getCompletedCheckpointStatistics();
        if (completed != null && completed.getId() >= taken.get()) {
          return completed.getStateSize();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no checkpoint of " + jobId + " within " + timeout);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  @Override
  public void close() {
    flink.close();
  }

  private static boolean allTasksRunning(JobDetailsInfo details) {
    var vertices = details.getJobVertexInfos();
    return !vertices.isEmpty()
        && vertices.stream()
            .allMatch(
                v ->
                    v.getTasksPerState().getOrDefault(ExecutionState.RUNNING, 0)
                        == v.getParallelism());
  }

  private void awaitTerminal(JobID job, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!flink.jobDetails(job).getJobStatus().isTerminalState()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + job + " did not end within " + timeout);
      }
      Thread.sleep(2 * POLL.toMillis());
    }
  }
}
