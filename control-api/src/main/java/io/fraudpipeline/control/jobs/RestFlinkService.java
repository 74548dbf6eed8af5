package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.savepoints.SavepointAwaiter;
import io.fraudpipeline.flink.DisposalStatus;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@link FlinkService} over Flink's REST API, through the project's one {@link FlinkRestClient}.
 */
@Component
class RestFlinkService implements FlinkService {

  /** Terminated jobs whose root cause is asked for: the reconciler only looks at the newest. */
  private static final int DETAILED_TERMINATED = 3;

  private static final Duration STATE_POLL = Duration.ofMillis(250);
  private static final Logger log = LoggerFactory.getLogger(RestFlinkService.class);

  private final FlinkRestClient flink;
  private final JobJarUploader uploader;
  private final JobJars jars;
  private final FraudJobArguments arguments;
  private final SavepointAwaiter awaiter;
  private final String jobName;
  private final String savepointDirectory;
  private final Clock clock = Clock.systemUTC();

  RestFlinkService(
      FlinkRestClient flink,
      JobJarUploader uploader,
      JobJars jars,
      FraudJobArguments arguments,
      SavepointAwaiter awaiter,
      JobProperties jobProperties,
      io.fraudpipeline.control.savepoints.SavepointProperties savepoints) {
    this.flink = flink;
    this.uploader = uploader;
    this.jars = jars;
    this.arguments = arguments;
    this.awaiter = awaiter;
    this.jobName = jobProperties.name();
    this.savepointDirectory = savepoints.hasDirectory() ? savepoints.directory() : null;
  }

  @Override
  public List<FlinkJob> fraudJobs() {
    List<JobDetails> ours = new ArrayList<>();
    for (JobDetails details : flink.jobsOverview()) {
      if (jobName.equals(details.getJobName())) {
        ours.add(details);
      }
    }
    ours.sort(
        Comparator.comparing((JobDetails d) -> d.getStatus().isGloballyTerminalState())
            .thenComparing(Comparator.comparingLong(JobDetails::getStartTime).reversed()));
    List<FlinkJob> jobs = new ArrayList<>();
    int terminated = 0;
    for (JobDetails details : ours) {
      JobStatus status = details.getStatus();
      if (!status.isGloballyTerminalState()) {
        jobs.add(active(details));
      } else {
        boolean detailed = terminated++ < DETAILED_TERMINATED && status == JobStatus.FAILED;
        jobs.add(
            FlinkJob.ended(
                details.getJobId().toHexString(),
                status.name(),
                instant(details.getStartTime()),
                detailed ? rootCause(details.getJobId()) : null));
      }
    }
    return List.copyOf(jobs);
  }

  private FlinkJob active(JobDetails overview) {
    JobID jobId = overview.getJobId();
    JobStatus status = overview.getStatus();
    if (status == JobStatus.INITIALIZING) {
      // No JobMaster yet: asking for checkpoints or metrics only makes Flink log errors.
      return new FlinkJob(
          jobId.toHexString(),
          status.name(),
          instant(overview.getStartTime()),
          null,
          null,
          null,
          null,
          null,
          null,
          false);
    }
    Integer parallelism = null;
    Boolean tasksRunning = null;
    try {
      JobDetailsInfo details = flink.jobDetails(jobId);
      status = details.getJobStatus();
      tasksRunning =
          !details.getJobVertexInfos().isEmpty()
              && details.getJobVertexInfos().stream()
                  .allMatch(v -> v.getExecutionState() == ExecutionState.RUNNING);
      parallelism =
          details.getJobVertexInfos().stream()
              .mapToInt(JobDetailsInfo.JobVertexDetailsInfo::getParallelism)
              .max()
              .stream()
              .boxed()
              .findFirst()
              .orElse(null);
    } catch (FlinkRequestException e) {
      // Ended between the overview and this call: the next observation says so.
    }
    JobParameters parameters = JobParameters.of(flink, jobId);
    return new FlinkJob(
        jobId.toHexString(),
        status.name(),
        instant(overview.getStartTime()),
        parallelism,
        parameters.guarantee(),
        restarts(jobId),
        lastCheckpoint(jobId),
        null,
        parameters.jarSha256(),
        tasksRunning);
  }

  private Long restarts(JobID jobId) {
    try {
      String value =
          flink
              .jobMetrics(jobId, List.of(FraudJobObserver.RESTARTS_METRIC))
              .get(FraudJobObserver.RESTARTS_METRIC);
      return value == null ? null : (long) Double.parseDouble(value);
    } catch (FlinkRequestException | NumberFormatException e) {
      return null;
    }
  }

  private FlinkJob.CompletedCheckpoint lastCheckpoint(JobID jobId) {
    try {
      CheckpointingStatistics stats = flink.checkpointStatistics(jobId);
      var latest = stats.getLatestCheckpoints();
      CheckpointStatistics.CompletedCheckpointStatistics completed =
          latest == null ? null : latest.getCompletedCheckpointStatistics();
      // A discarded (subsumed) one still names the storage directory the newer ones are in.
      if (completed == null || completed.getExternalPath() == null) {
        return null;
      }
      long endedAt =
          completed.getLatestAckTimestamp() > 0
              ? completed.getLatestAckTimestamp()
              : completed.getTriggerTimestamp() + completed.getDuration();
      return new FlinkJob.CompletedCheckpoint(
          completed.getId(), completed.getExternalPath(), Instant.ofEpochMilli(endedAt));
    } catch (FlinkRequestException e) {
      return null;
    }
  }

  private String rootCause(JobID jobId) {
    try {
      for (var entry : flink.exceptions(jobId, 1).getExceptionHistory().getEntries()) {
        return entry.getStacktrace() == null
            ? entry.getExceptionName()
            : deepestCause(entry.getStacktrace());
      }
    } catch (FlinkRequestException e) {
      log.debug("No exception history for {}", jobId, e);
    }
    return null;
  }

  /** The innermost "Caused by:" of a stack trace (its first line when there is none). */
  static String deepestCause(String stacktrace) {
    String cause = null;
    for (String line : stacktrace.split("\n")) {
      String trimmed = line.strip();
      if (cause == null) {
        cause = trimmed;
      } else if (trimmed.startsWith("Caused by: ")) {
        cause = trimmed.substring("Caused by: ".length());
      }
    }
    if (cause == null) {
      return null;
    }
    return cause.length() > 500 ? cause.substring(0, 500) + "..." : cause;
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
    String jarId = uploader.ensureUploaded(jar).jarId();
    try {
      run(jarId, body, jobId);
    } catch (FlinkRequestException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      // Flink lost the jar (e.g. a JobManager restart since the listing): upload and try again.
      log.info("Flink no longer has jar {}; uploading it again", jarId);
      run(uploader.ensureUploaded(jar).jarId(), body, jobId);
    }
  }

  /**
   * Runs the jar under the given JobID. When the answer is lost, Flink may have started the job
   * anyway: ask for the JobID before trying again. A refusal for a JobID Flink knows is a
   * duplicate: the caller must not count it as its own run.
   */
  private void run(String jarId, JarRunRequestBody body, JobID jobId) {
    try {
      flink.runJar(jarId, body);
    } catch (FlinkUnavailableException lost) {
      if (jobKnown(jobId)) {
        // Our own request went through before the answer was lost.
        return;
      }
      log.warn("Run of {} got no answer ({}); trying once more", jobId, lost.getMessage());
      try {
        flink.runJar(jarId, body);
      } catch (FlinkRequestException refused) {
        if (!jobKnown(jobId)) {
          throw refused;
        }
      }
    } catch (FlinkRequestException refused) {
      if (isDuplicate(refused)) {
        throw new DuplicateJobException(jobId.toHexString(), refused);
      }
      throw refused;
    }
  }

  /**
   * Flink's refusal of a JobID it has seen. A run that fails to initialise (e.g. a savepoint that
   * cannot be read) also leaves its JobID known, as FAILED, so only Flink's own words tell.
   */
  private static boolean isDuplicate(FlinkRequestException refused) {
    String message = String.valueOf(refused.getMessage());
    return message.contains("DuplicateJobSubmission") || message.contains("already been submitted");
  }

  private boolean jobKnown(JobID jobId) {
    try {
      flink.jobDetails(jobId);
      return true;
    } catch (FlinkRequestException e) {
      return false;
    }
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
    }
    String path = awaiter.await(jobId, trigger, deadline, written -> {});
    awaitTerminal(jobId, deadline);
    return path;
  }

  @Override
  public String triggerSavepoint(String jobIdHex, Duration timeout) throws InterruptedException {
    JobID jobId = JobID.fromHexString(jobIdHex);
    Instant deadline = clock.instant().plus(timeout);
    TriggerId trigger = new TriggerId();
    try {
      flink.triggerSavepoint(jobId, savepointDirectory, trigger);
    } catch (FlinkUnavailableException lost) {
      // Flink may still have taken it: the status poll under the same trigger id tells.
    }
    return awaiter.await(jobId, trigger, deadline, written -> {});
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
          throw new FlinkRequestException(
              500, "Flink could not dispose of savepoint " + path + ": " + status.failure(), null);
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
  public void cancel(String jobIdHex, Duration timeout) throws InterruptedException {
    JobID jobId = JobID.fromHexString(jobIdHex);
    flink.cancel(jobId);
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
      }
      Thread.sleep(STATE_POLL.toMillis());
    }
    throw new IllegalStateException("Job " + jobId + " did not end by " + deadline);
  }

  private static Instant instant(long epochMillis) {
    return epochMillis > 0 ? Instant.ofEpochMilli(epochMillis) : null;
  }
}
