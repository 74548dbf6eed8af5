package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.FlinkProperties;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import io.fraudpipeline.flink.ClusterOverview;
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
import java.util.TreeMap;
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
 * Polls Flink in the background and keeps the last observation, so reads, health and metrics do not
 * hit the JobManager per request. Flink stays the source of truth: nothing here outlives a poll,
 * and an unreachable Flink yields an observation that says so, never the last good one.
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
  private static final Logger log = LoggerFactory.getLogger(FraudJobObserver.class);

  private final FlinkRestClient flink;
  private final String jobName;
  private final Clock clock;
  private volatile Observation last;

  @Autowired
  public FraudJobObserver(
      FlinkRestClient flink, JobProperties jobProperties, FlinkProperties flinkProperties) {
    this(flink, jobProperties.name(), flinkProperties.pollInterval(), Clock.systemUTC());
  }

  FraudJobObserver(FlinkRestClient flink, String jobName, Duration pollInterval, Clock clock) {
    super("flink-observer", pollInterval, Duration.ZERO);
    this.flink = flink;
    this.jobName = jobName;
    this.clock = clock;
  }

  @Override
  protected void poll() {
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
      List<FraudJob> jobs = new ArrayList<>();
      for (JobDetails details : ours.subList(0, Math.min(MAX_JOBS, ours.size()))) {
        jobs.add(
            details.getStatus().isGloballyTerminalState()
                ? terminated(details, now)
                : active(details.getJobId(), now));
      }
      return new Observation(now, true, null, cluster, List.copyOf(jobs));
    } catch (FlinkUnavailableException e) {
      return Observation.unreachable(now, e.getMessage());
    } catch (FlinkRequestException e) {
      return Observation.unreachable(now, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Observing Flink failed", e);
      return Observation.unreachable(now, e.toString());
    }
  }

  private FraudJob terminated(JobDetails details, Instant now) {
    return new FraudJob(
        details.getJobId().toHexString(),
        details.getJobName(),
        details.getStatus().name(),
        instant(details.getStartTime()),
        instant(details.getEndTime()),
        null,
        null,
        null,
        null,
        null,
        List.of(),
        null,
        null,
        null,
        now);
  }

  private FraudJob active(JobID jobId, Instant now) {
    JobDetailsInfo details = flink.jobDetails(jobId);
    JobStatus status = details.getJobStatus();
    if (status == JobStatus.INITIALIZING) {
      // The JobMaster is not there yet: asking for checkpoints or metrics only makes Flink log
      // errors.
      return new FraudJob(
          jobId.toHexString(),
          details.getName(),
          status.name(),
          instant(details.getStartTime()),
          null,
          null,
          null,
          null,
          null,
          null,
          List.of(),
          null,
          null,
          null,
          now);
    }
    Duration uptime = null;
    if (status == JobStatus.RUNNING) {
      Long runningSince = details.getTimestamps().get(JobStatus.RUNNING);
      long since = runningSince != null && runningSince > 0 ? runningSince : details.getStartTime();
      uptime = Duration.ofMillis(Math.max(0, now.toEpochMilli() - since));
    }
    Map<String, Long> versions = rulesVersions(jobId, details);
    JobParameters parameters = JobParameters.of(flink, jobId);
    int parallelism =
        details.getJobVertexInfos().stream()
            .mapToInt(JobDetailsInfo.JobVertexDetailsInfo::getParallelism)
            .max()
            .orElse(0);
    return new FraudJob(
        jobId.toHexString(),
        details.getName(),
        status.name(),
        instant(details.getStartTime()),
        instant(details.getEndTime()),
        uptime,
        parallelism > 0 ? parallelism : null,
        parameters.guarantee(),
        restarts(jobId),
        checkpoints(jobId, now),
        exceptions(jobId),
        applied(
            versions,
            details.getJobVertexInfos().stream()
                .map(JobDetailsInfo.JobVertexDetailsInfo::getName)
                .toList()),
        versions,
        parameters.jarSha256(),
        now);
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

  private CheckpointSummary checkpoints(JobID jobId, Instant now) {
    CheckpointingStatistics stats;
    try {
      stats = flink.checkpointStatistics(jobId);
    } catch (FlinkRequestException e) {
      return null;
    }
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

  private static CheckpointSummary.LastCheckpoint last(
      CheckpointStatistics stats, String failure, Instant now) {
    if (stats == null) {
      return null;
    }
    long endedAt =
        stats.getLatestAckTimestamp() > 0
            ? stats.getLatestAckTimestamp()
            : stats.getTriggerTimestamp() + stats.getDuration();
    return new CheckpointSummary.LastCheckpoint(
        stats.getId(),
        instant(stats.getTriggerTimestamp()),
        Duration.ofMillis(Math.max(0, stats.getDuration())),
        Duration.ofMillis(Math.max(0, now.toEpochMilli() - endedAt)),
        stats.isSavepoint(),
        failure == null ? null : firstLine(failure));
  }

  private List<JobFailure> exceptions(JobID jobId) {
    JobExceptionsInfoWithHistory info;
    try {
      info = flink.exceptions(jobId, MAX_EXCEPTIONS);
    } catch (FlinkRequestException e) {
      return List.of();
    }
    List<JobFailure> failures = new ArrayList<>();
    for (var entry : info.getExceptionHistory().getEntries()) {
      failures.add(
          new JobFailure(
              instant(entry.getTimestamp()),
              entry.getExceptionName(),
              firstLine(messageOf(entry.getStacktrace())),
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
    Map<String, Long> versions = new TreeMap<>();
    for (var vertex : details.getJobVertexInfos()) {
      for (String operator : RULES_OPERATORS) {
        if (vertex.getName() == null || !vertex.getName().contains(operator)) {
          continue;
        }
        try {
          flink
              .aggregatedSubtaskMetric(
                  jobId, vertex.getJobVertexID(), operator + "." + RULES_VERSION_GAUGE)
              .map(AggregatedMetric::getMin)
              .ifPresent(min -> versions.put(operator, min.longValue()));
        } catch (FlinkRequestException e) {
          // Metrics of a vertex still being deployed: leave them out of this observation.
        }
      }
    }
    return java.util.Collections.unmodifiableMap(versions);
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
