package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.CheckpointTrigger;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.flink.JobSubmission;
import io.fraudpipeline.control.flink.SavepointAwaiter;
import io.fraudpipeline.control.flink.StoppedJobUnknownException;
import io.fraudpipeline.control.flink.UnknownJobException;
import io.fraudpipeline.flink.DisposalStatus;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.springframework.stereotype.Component;

/**
 * {@link FlinkService} over Flink's REST API, through the project's one {@link FlinkRestClient}.
 */
@Component
class RestFlinkService implements FlinkService {

  // As SavepointAwaiter's: a command ends when the job does, not up to one poll later.
  private static final Duration STATE_POLL = Duration.ofMillis(100);

  private final FlinkRestClient flink;
  private final FraudJobObserver observer;
  private final JarRunner runner;
  private final JobJars jars;
  private final FraudJobArguments arguments;
  private final SavepointAwaiter awaiter;
  private final String savepointDirectory;
  private final Clock clock = Clock.systemUTC();

  RestFlinkService(
      FlinkRestClient flink,
      FraudJobObserver observer,
      JarRunner runner,
      JobJars jars,
      FraudJobArguments arguments,
      SavepointAwaiter awaiter,
      io.fraudpipeline.control.savepoints.SavepointProperties savepoints) {
    this.flink = flink;
    this.observer = observer;
    this.runner = runner;
    this.jars = jars;
    this.arguments = arguments;
    this.awaiter = awaiter;
    this.savepointDirectory = savepoints.hasDirectory() ? savepoints.directory() : null;
  }

  /**
   * A fresh observation of the one observer (recorded, so it also serves the reads, health and
   * metrics until the next one): the reconciler must see the result of its previous step.
   */
  @Override
  public List<FlinkJob> fraudJobs() {
    Observation observation = observer.observeNow();
    if (Thread.currentThread().isInterrupted()) {
      // The observer keeps its previous observation when interrupted: not an answer of Flink.
      throw new FlinkUnavailableException("Interrupted while observing Flink", null);
    }
    if (!observation.flinkReachable()) {
      throw new FlinkUnavailableException(observation.error(), null);
    }
    return observation.flinkJobs();
  }

  @Override
  public void submit(JobSubmission submission) {
    JobID jobId = JobID.fromHexString(submission.jobId());
    JobJar jar = jars.require(submission.jarSha256());
    JarRunRequestBody body =
        new JarRunRequestBody(
            jar.entryClass(),
            arguments.build(submission.deliveryGuarantee()),
            submission.parallelism(),
            jobId,
            submission.allowNonRestoredState(),
            submission.restorePath(),
            // The savepoint or checkpoint stays the control plane's: later restores from it work.
            RecoveryClaimMode.NO_CLAIM,
            Map.of(
                "pipeline.global-job-parameters",
                JobParameters.encode(submission.deliveryGuarantee(), jar.sha256()),
                // A cancelled job keeps its last checkpoint, on any cluster: the last state to
                // come back from.
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION.key(),
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION.name()));
    runner.run(jar, body);
  }

  @Override
  public String stopWithSavepoint(String jobIdHex, boolean drain, Duration timeout)
      throws InterruptedException {
    JobID jobId = JobID.fromHexString(jobIdHex);
    Instant deadline = clock.instant().plus(timeout);
    TriggerId trigger = new TriggerId();
    try {
      flink.stopWithSavepoint(jobId, savepointDirectory, drain, trigger);
    } catch (FlinkUnavailableException lost) {
      // Flink may still have taken it: the status poll under the same trigger id tells.
    } catch (FlinkRequestException e) {
      throw aboutJob(jobIdHex, e);
    }
    String path;
    try {
      path = awaiter.await(jobId, trigger, deadline, written -> {});
    } catch (SavepointAwaiter.SavepointFailedException e) {
      if (!e.outcomeUnknown() && e.savepointPath() == null) {
        // Flink takes the stop of a job it does not know, and fails it in the trigger's status.
        requireKnown(jobId);
      }
      throw e;
    }
    try {
      awaitTerminal(jobId, deadline);
    } catch (UnknownJobException e) {
      // The savepoint completed, so the job's tasks had finished: the stop's outcome is known.
      throw new StoppedJobUnknownException(jobIdHex, path, e);
    }
    return path;
  }

  @Override
  public Optional<FlinkJob.CompletedCheckpoint> lastSavepoint(String jobIdHex) {
    CheckpointingStatistics statistics;
    try {
      statistics = flink.checkpointStatistics(JobID.fromHexString(jobIdHex));
    } catch (FlinkRequestException e) {
      throw aboutJob(jobIdHex, e);
    }
    var latest = statistics.getLatestCheckpoints();
    var savepoint = latest == null ? null : latest.getSavepointStatistics();
    return Optional.ofNullable(
        savepoint == null ? null : FraudJobObserver.completedCheckpoint(savepoint));
  }

  @Override
  public String triggerSavepoint(String jobIdHex, Duration timeout, Consumer<String> onWritten)
      throws InterruptedException {
    JobID jobId = JobID.fromHexString(jobIdHex);
    Instant deadline = clock.instant().plus(timeout);
    TriggerId trigger = new TriggerId();
    try {
      flink.triggerSavepoint(jobId, savepointDirectory, trigger);
    } catch (FlinkUnavailableException lost) {
      // Flink may still have taken it: the status poll under the same trigger id tells.
    }
    return awaiter.await(jobId, trigger, deadline, onWritten);
  }

  @Override
  public boolean disposeSavepoint(String path, Duration timeout) throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    TriggerId trigger = flink.triggerSavepointDisposal(path);
    String lastProblem = null;
    while (clock.instant().isBefore(deadline)) {
      DisposalStatus status;
      try {
        status = flink.savepointDisposalStatus(trigger);
      } catch (FlinkUnavailableException e) {
        lastProblem = e.getMessage();
        Thread.sleep(STATE_POLL.toMillis());
        continue;
      }
      if (status.completed()) {
        if (status.failure() != null) {
          throw FlinkRequestException.operationFailed(
              "Flink could not dispose of savepoint " + path + ": " + status.failure());
        }
        return !status.nothingThere();
      }
      Thread.sleep(STATE_POLL.toMillis());
    }
    throw new FlinkUnavailableException(
        "Flink did not finish disposing of savepoint "
            + path
            + " within "
            + timeout
            + (lastProblem == null ? "" : " (last problem: " + lastProblem + ")"),
        null);
  }

  @Override
  public CheckpointTrigger triggerCheckpoint(String jobIdHex) {
    TriggerId trigger = flink.triggerCheckpoint(JobID.fromHexString(jobIdHex));
    return new CheckpointTrigger(jobIdHex, trigger.toHexString());
  }

  @Override
  public Optional<Long> checkpointOutcome(CheckpointTrigger trigger) {
    return flink.triggeredCheckpoint(
        JobID.fromHexString(trigger.jobId()), TriggerId.fromHexString(trigger.triggerId()));
  }

  @Override
  public void cancel(String jobIdHex, Duration timeout) throws InterruptedException {
    JobID jobId = JobID.fromHexString(jobIdHex);
    try {
      flink.cancel(jobId);
    } catch (FlinkRequestException e) {
      throw aboutJob(jobIdHex, e);
    }
    awaitTerminal(jobId, clock.instant().plus(timeout));
  }

  private void awaitTerminal(JobID jobId, Instant deadline) throws InterruptedException {
    while (clock.instant().isBefore(deadline)) {
      try {
        if (flink.jobDetails(jobId).getJobStatus().isGloballyTerminalState()) {
          return;
        }
      } catch (FlinkUnavailableException e) {
        // Keep asking until the deadline.
      } catch (FlinkRequestException e) {
        // Not an end of the job: a JobManager with HA answers so until it has recovered it.
        throw aboutJob(jobId.toHexString(), e);
      }
      Thread.sleep(STATE_POLL.toMillis());
    }
    throw new IllegalStateException("Job " + jobId + " did not end by " + deadline);
  }

  /** Throws {@link UnknownJobException} when Flink answers that it does not know the job. */
  private void requireKnown(JobID jobId) {
    try {
      flink.jobDetails(jobId);
    } catch (FlinkRequestException e) {
      if (e.isNotFound()) {
        throw aboutJob(jobId.toHexString(), e);
      }
    } catch (FlinkUnavailableException e) {
      // Not known either way: the command's own failure stands.
    }
  }

  /** Flink's refusal of a command on the job: a 404 says it does not know the job. */
  private static FlinkRequestException aboutJob(String jobId, FlinkRequestException refusal) {
    return refusal.isNotFound() && !(refusal instanceof UnknownJobException)
        ? new UnknownJobException(jobId, refusal)
        : refusal;
  }
}
