package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkProperties;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.flink.TaskStates;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import io.fraudpipeline.flink.ClusterOverview;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.job.metrics.AggregatedMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one observer of Flink: polls it and keeps the last observation, which the reads, health,
 * metrics, the commands' checks of a job id ({@link #requireJob}) and (through {@link
 * FlinkService#fraudJobs()}) the reconciler all take their facts from. What else asks the
 * JobManager about a job asks about something else: whether a job it stopped or submitted has ended
 * or exists ({@code RestFlinkService}), a backtest's bounded job, and the per-rule counts ({@code
 * rules/stats}, live on purpose). The reconciler asks for a fresh observation before each step (it
 * must see the result of its last one); that observation is recorded too, and the background poll
 * skips a round that such an observation already covered, so Flink is asked once per poll interval,
 * not once per consumer. Flink stays the source of truth: nothing here outlives a poll, and an
 * unreachable Flink yields an observation that says so, never the last good one.
 */
@Component
public class FraudJobObserver extends PeriodicLifecycle {

  /** Operators that report the rules version they apply, as a gauge (docs/job.md). */
  static final List<String> RULES_OPERATORS =
      List.of("evaluate-rules", "velocity-rule", "aggregate-rules");

  /** The gauge's name; Flink's REST API prefixes it with the operator name within its vertex. */
  static final String RULES_VERSION_GAUGE = "rulesVersionApplied";

  static final String RESTARTS_METRIC = "numRestarts";
  private static final int MAX_JOBS = 20;
  private static final int MAX_EXCEPTIONS = 5;

  /** Terminated jobs whose root cause is asked for: the reconciler only looks at the newest. */
  private static final int DETAILED_TERMINATED = 3;

  private static final Logger log = LoggerFactory.getLogger(FraudJobObserver.class);

  private final FlinkRestClient flink;
  private final String jobName;
  private final Duration pollInterval;
  private final Clock clock;
  private volatile Observation last;

  /**
   * The latest failures of FAILED jobs by id, asked for until they name a root cause: a terminated
   * job's exception history no longer changes once written, so Flink is not asked again each poll.
   * Used only under the lock of {@link #observeNow()}.
   */
  private final Map<String, List<JobFailure>> endedFailures = new HashMap<>();

  @Autowired
  public FraudJobObserver(
      FlinkRestClient flink, JobProperties jobProperties, FlinkProperties flinkProperties) {
    this(flink, jobProperties.name(), flinkProperties.pollInterval(), Clock.systemUTC());
  }

  FraudJobObserver(FlinkRestClient flink, String jobName, Duration pollInterval, Clock clock) {
    super("flink-observer", pollInterval, Duration.ZERO);
    this.flink = flink;
    this.jobName = jobName;
    this.pollInterval = pollInterval;
    this.clock = clock;
  }

  @Override
  protected void poll() {
    Observation previous = last;
    if (previous != null && previous.observedAt().plus(pollInterval).isAfter(clock.instant())) {
      // Observed within this interval already (by the reconciler, or a read that needed it now).
      return;
    }
    try {
      observeNow();
    } catch (RuntimeException e) {
      log.warn("Flink observation failed", e);
    }
  }

  /** The last observation; observes now if there is none yet. */
  public Observation current() {
    Observation observation = last;
    return observation != null ? observation : observeNow();
  }

  /**
   * The fraud job with this id as Flink reports it now: what every command checks a job id against.
   *
   * @throws FlinkUnavailableException when Flink cannot be observed
   * @throws JobNotFoundException when Flink knows no fraud job with this id
   */
  public FraudJob requireJob(String jobId) {
    Observation observation = observeNow();
    if (!observation.flinkReachable()) {
      throw new FlinkUnavailableException("Flink cannot be observed: " + observation.error(), null);
    }
    return requireJob(observation, jobId);
  }

  /**
   * The fraud job with this id in an observation: how both a read (of the last observation) and a
   * command (of a fresh one) look a job id up.
   *
   * @throws JobNotFoundException when the observation has no fraud job with this id
   */
  FraudJob requireJob(Observation observation, String jobId) {
    return observation.job(jobId).orElseThrow(() -> new JobNotFoundException(jobId, jobName));
  }

  /** Asks Flink now (e.g. right after a deploy) and keeps the answer. */
  public synchronized Observation observeNow() {
    Observation observation = observe();
    Observation previous = last;
    if (!observation.flinkReachable() && Thread.currentThread().isInterrupted()) {
      // Interrupted (e.g. the control plane is stopping), not an answer from Flink: no outage to
      // report or to remember.
      return previous != null ? previous : observation;
    }
    last = observation;
    if (previous != null && previous.flinkReachable() != observation.flinkReachable()) {
      if (observation.flinkReachable()) {
        log.info("Flink at {} is reachable again", flink.restUrl());
      } else {
        log.warn("Flink at {} is unreachable: {}", flink.restUrl(), observation.error());
      }
    }
    return observation;
  }

  private Observation observe() {
    Instant now = clock.instant();
    try {
      ClusterOverview cluster = flink.clusterOverview();
      List<JobDetails> ours = new ArrayList<>();
      for (JobDetails details : flink.jobsOverview()) {
        if (jobName.equals(details.getJobName())) {
          ours.add(details);
        }
      }
      ours.sort(
          Comparator.comparing((JobDetails d) -> d.getStatus().isGloballyTerminalState())
              .thenComparing(Comparator.comparingLong(JobDetails::getStartTime).reversed()));
      endedFailures
          .keySet()
          .retainAll(
              ours.stream().map(d -> d.getJobId().toHexString()).collect(Collectors.toSet()));
      List<FraudJob> jobs = new ArrayList<>();
      List<FlinkJob> flinkJobs = new ArrayList<>();
      int terminated = 0;
      for (JobDetails details : ours) {
        if (details.getStatus().isGloballyTerminalState()) {
          boolean detailed =
              terminated++ < DETAILED_TERMINATED && details.getStatus() == JobStatus.FAILED;
          List<JobFailure> failures = detailed ? endedFailures(details.getJobId()) : List.of();
          flinkJobs.add(
              FlinkJob.ended(
                  details.getJobId().toHexString(),
                  details.getStatus().name(),
                  instant(details.getStartTime()),
                  instant(details.getEndTime()),
                  rootCause(failures)));
          if (jobs.size() < MAX_JOBS) {
            jobs.add(terminated(details, failures, now));
          }
        } else {
          ActiveJob active = active(details, cluster.slotsAvailable() > 0, now);
          flinkJobs.add(active.flinkJob());
          if (jobs.size() < MAX_JOBS) {
            jobs.add(active.fraudJob());
          }
        }
      }
      return new Observation(now, true, null, cluster, List.copyOf(jobs), List.copyOf(flinkJobs));
    } catch (FlinkUnavailableException e) {
      return Observation.unreachable(now, e.getMessage());
    } catch (FlinkRequestException e) {
      return Observation.unreachable(now, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Observing Flink failed", e);
      return Observation.unreachable(now, e.toString());
    }
  }

  private FraudJob terminated(JobDetails details, List<JobFailure> failures, Instant now) {
    return FraudJob.withoutDetails(
        details.getJobId().toHexString(),
        details.getJobName(),
        details.getStatus().name(),
        instant(details.getStartTime()),
        instant(details.getEndTime()),
        failures,
        now);
  }

  /** An active job from one set of calls, as the API and as the reconciler see it. */
  private record ActiveJob(FraudJob fraudJob, FlinkJob flinkJob) {}

  /**
   * @param slotsFree whether the cluster had a free slot in this observation: whether the job's
   *     tasks waiting for one can get it
   */
  private ActiveJob active(JobDetails overview, boolean slotsFree, Instant now) {
    JobID jobId = overview.getJobId();
    JobDetailsInfo details;
    try {
      details = flink.jobDetails(jobId);
    } catch (FlinkRequestException e) {
      // Ended between the overview and this call: the next observation says so.
      details = null;
    }
    JobStatus status = details != null ? details.getJobStatus() : overview.getStatus();
    String name = details != null ? details.getName() : overview.getJobName();
    Instant startTime = instant(details != null ? details.getStartTime() : overview.getStartTime());
    if (status == JobStatus.INITIALIZING) {
      // The JobMaster is not there yet: asking for checkpoints or metrics only makes Flink log
      // errors.
      return new ActiveJob(
          FraudJob.withoutDetails(
              jobId.toHexString(), name, status.name(), startTime, null, List.of(), now),
          new FlinkJob(
              jobId.toHexString(),
              status.name(),
              startTime,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              TaskStates.unknownYet(slotsFree)));
    }
    Duration uptime = null;
    Integer parallelism = null;
    TaskStates tasks = null;
    Map<String, Long> versions = Map.of();
    Long applied = null;
    if (details != null) {
      if (status == JobStatus.RUNNING) {
        Long runningSince = details.getTimestamps().get(JobStatus.RUNNING);
        long since =
            runningSince != null && runningSince > 0 ? runningSince : details.getStartTime();
        uptime = Duration.ofMillis(Math.max(0, now.toEpochMilli() - since));
      }
      int highest =
          details.getJobVertexInfos().stream()
              .mapToInt(JobDetailsInfo.JobVertexDetailsInfo::getParallelism)
              .max()
              .orElse(0);
      parallelism = highest > 0 ? highest : null;
      tasks =
          TaskStates.of(
              details.getJobVertexInfos().stream()
                  .map(JobDetailsInfo.JobVertexDetailsInfo::getTasksPerState)
                  .toList(),
              slotsFree);
      versions = rulesVersions(jobId, details);
      applied =
          applied(
              versions,
              details.getJobVertexInfos().stream()
                  .map(JobDetailsInfo.JobVertexDetailsInfo::getName)
                  .toList());
    }
    JobParameters parameters = JobParameters.of(flink, jobId);
    Long restarts = restarts(jobId);
    CheckpointingStatistics checkpoints = checkpointStatistics(jobId);
    return new ActiveJob(
        new FraudJob(
            jobId.toHexString(),
            name,
            status.name(),
            startTime,
            details != null ? instant(details.getEndTime()) : null,
            uptime,
            parallelism,
            parameters.guarantee(),
            restarts,
            checkpoints == null ? null : summary(checkpoints, now),
            exceptions(jobId),
            applied,
            versions,
            parameters.jarSha256(),
            now),
        new FlinkJob(
            jobId.toHexString(),
            status.name(),
            instant(overview.getStartTime()),
            null,
            parallelism,
            parameters.guarantee(),
            restarts,
            checkpoints == null ? null : lastCompleted(checkpoints),
            null,
            parameters.jarSha256(),
            tasks));
  }

  /** Optional details: a 404 (e.g. a job still initialising) leaves them out, nothing more. */
  private Long restarts(JobID jobId) {
    try {
      String value = flink.jobMetrics(jobId, List.of(RESTARTS_METRIC)).get(RESTARTS_METRIC);
      return value == null ? null : (long) Double.parseDouble(value);
    } catch (FlinkRequestException | NumberFormatException e) {
      return null;
    }
  }

  private CheckpointingStatistics checkpointStatistics(JobID jobId) {
    try {
      return flink.checkpointStatistics(jobId);
    } catch (FlinkRequestException e) {
      return null;
    }
  }

  private static CheckpointSummary summary(CheckpointingStatistics stats, Instant now) {
    var counts = stats.getCounts();
    var latest = stats.getLatestCheckpoints();
    CheckpointSummary.LastCheckpoint completed =
        latest == null ? null : last(latest.getCompletedCheckpointStatistics(), null, now);
    CheckpointSummary.LastCheckpoint failed =
        latest == null || latest.getFailedCheckpointStatistics() == null
            ? null
            : last(
                latest.getFailedCheckpointStatistics(),
                latest.getFailedCheckpointStatistics().getFailureMessage(),
                now);
    return new CheckpointSummary(
        counts.getNumberCompletedCheckpoints(),
        counts.getNumberFailedCheckpoints(),
        counts.getNumberInProgressCheckpoints(),
        counts.getNumberRestoredCheckpoints(),
        completed,
        failed);
  }

  /** The newest completed checkpoint with its path: what the reconciler restores from. */
  private static FlinkJob.CompletedCheckpoint lastCompleted(CheckpointingStatistics stats) {
    var latest = stats.getLatestCheckpoints();
    CheckpointStatistics.CompletedCheckpointStatistics completed =
        latest == null ? null : latest.getCompletedCheckpointStatistics();
    // A discarded (subsumed) one still names the storage directory the newer ones are in.
    return completed == null ? null : completedCheckpoint(completed);
  }

  /** A completed checkpoint or savepoint as the reconciler restores it; null without a path. */
  static FlinkJob.CompletedCheckpoint completedCheckpoint(
      CheckpointStatistics.CompletedCheckpointStatistics completed) {
    if (completed.getExternalPath() == null) {
      return null;
    }
    return new FlinkJob.CompletedCheckpoint(
        completed.getId(), completed.getExternalPath(), Instant.ofEpochMilli(endedAt(completed)));
  }

  private static long endedAt(CheckpointStatistics stats) {
    return stats.getLatestAckTimestamp() > 0
        ? stats.getLatestAckTimestamp()
        : stats.getTriggerTimestamp() + stats.getDuration();
  }

  /** What Flink reports of a FAILED job's failures, asked for until they name a root cause. */
  private List<JobFailure> endedFailures(JobID jobId) {
    List<JobFailure> known = endedFailures.get(jobId.toHexString());
    if (known != null) {
      return known;
    }
    List<JobFailure> failures;
    try {
      failures = failuresOf(flink.exceptions(jobId, MAX_EXCEPTIONS));
    } catch (FlinkRequestException e) {
      log.debug("No exception history for {}", jobId, e);
      return List.of();
    }
    if (rootCause(failures) != null) {
      endedFailures.put(jobId.toHexString(), failures);
    }
    return failures;
  }

  /**
   * Why a FAILED job ended, as the reconciler reports it: the root cause of its newest failure, or
   * that failure's exception when Flink kept no stack trace.
   */
  private static String rootCause(List<JobFailure> failures) {
    if (failures.isEmpty()) {
      return null;
    }
    JobFailure newest = failures.get(0);
    return newest.rootCause() != null ? newest.rootCause() : newest.exception();
  }

  /** The innermost "Caused by:" of a stack trace (its first line when there is none). */
  public static String deepestCause(String stacktrace) {
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

  private static CheckpointSummary.LastCheckpoint last(
      CheckpointStatistics stats, String failure, Instant now) {
    if (stats == null) {
      return null;
    }
    return new CheckpointSummary.LastCheckpoint(
        stats.getId(),
        instant(stats.getTriggerTimestamp()),
        Duration.ofMillis(Math.max(0, stats.getDuration())),
        Duration.ofMillis(Math.max(0, now.toEpochMilli() - endedAt(stats))),
        stats.isSavepoint(),
        Math.max(0, stats.getStateSize()),
        failure == null ? null : firstLine(failure));
  }

  private List<JobFailure> exceptions(JobID jobId) {
    try {
      return failuresOf(flink.exceptions(jobId, MAX_EXCEPTIONS));
    } catch (FlinkRequestException e) {
      return List.of();
    }
  }

  private static List<JobFailure> failuresOf(JobExceptionsInfoWithHistory info) {
    List<JobFailure> failures = new ArrayList<>();
    for (var entry : info.getExceptionHistory().getEntries()) {
      failures.add(
          new JobFailure(
              instant(entry.getTimestamp()),
              entry.getExceptionName(),
              firstLine(messageOf(entry.getStacktrace())),
              entry.getStacktrace() == null ? null : deepestCause(entry.getStacktrace()),
              entry.getTaskName()));
      if (failures.size() == MAX_EXCEPTIONS) {
        break;
      }
    }
    return List.copyOf(failures);
  }

  /**
   * The version every rules operator applies: the lowest of theirs, and none while one of the
   * operators in the job has not reported a version yet (a rule change is confirmed only once all
   * of them applied it). An operator the job does not have (a job of an older jar) is not waited
   * for; none at all in the job is no version.
   *
   * @param versions each rules operator's reported version
   * @param vertexNames the names of the job's vertices (chained operators share one)
   */
  static Long applied(Map<String, Long> versions, List<String> vertexNames) {
    Long lowest = null;
    for (String vertex : vertexNames) {
      for (String operator : RULES_OPERATORS) {
        if (vertex == null || !vertex.contains(operator)) {
          continue;
        }
        Long version = versions.get(operator);
        if (version == null) {
          return null;
        }
        lowest = lowest == null ? version : Math.min(lowest, version);
      }
    }
    return lowest;
  }

  /** Each rules operator's version, the minimum over its subtasks. */
  private Map<String, Long> rulesVersions(JobID jobId, JobDetailsInfo details) {
    Map<String, List<String>> wanted = new LinkedHashMap<>();
    RULES_OPERATORS.forEach(operator -> wanted.put(operator, List.of(RULES_VERSION_GAUGE)));
    Map<String, AggregatedMetric> found =
        flink.operatorMetrics(jobId, details.getJobVertexInfos(), wanted);
    Map<String, Long> versions = new TreeMap<>();
    for (String operator : RULES_OPERATORS) {
      AggregatedMetric gauge = found.get(operator + "." + RULES_VERSION_GAUGE);
      if (gauge != null && gauge.getMin() != null) {
        versions.put(operator, gauge.getMin().longValue());
      }
    }
    return Collections.unmodifiableMap(versions);
  }

  /** The first line of a stack trace is "Class: message". */
  private static String messageOf(String stacktrace) {
    if (stacktrace == null) {
      return null;
    }
    String first = firstLine(stacktrace);
    int colon = first.indexOf(": ");
    return colon < 0 ? first : first.substring(colon + 2);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return null;
    }
    int newline = text.indexOf('\n');
    String line = (newline < 0 ? text : text.substring(0, newline)).strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  private static Instant instant(long epochMillis) {
    return epochMillis > 0 ? Instant.ofEpochMilli(epochMillis) : null;
  }
}
