package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.LeftoverOwnership;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Cleans up after backtests nobody watches any more. A backtest is watched by the control plane
 * that started it; one that stops (a restart, a crash) leaves its bounded Flink job running and its
 * output topic behind. From start-up and every {@code fraud.backtests.cleanup-interval}, each
 * replica looks for backtest jobs ({@code <job name>-backtest-<operation id>}) and output topics
 * ({@code <output-topic-prefix><operation id>}) and, for those {@link LeftoverOwnership} gives it,
 * cancels the job, deletes the topic, records a warning event and fails the operation with a cause
 * that says so.
 *
 * <p>The leader waits out {@code fraud.operations.abandoned-grace} from the operation's creation,
 * as for other operations: the owner may have started it before joining the election. A backtest
 * with no record at all cannot be told from one whose owner failed to record it (Kafka down at its
 * start) and still runs it, so the grace runs from the latest that owner would stop it by itself:
 * its Flink job's start (else the first time this replica saw its topic) plus {@code
 * fraud.backtests.timeout}.
 */
@Component
class AbandonedBacktests extends PeriodicLifecycle {

  static final String RESTARTED =
      "The control-plane replica running the backtest stopped or restarted; ";

  private static final Logger log = LoggerFactory.getLogger(AbandonedBacktests.class);

  private final FlinkRestClient flink;
  private final BacktestKafka kafka;
  private final Operations operations;
  private final EventRecorder events;
  private final String jobPrefix;
  private final String topicPrefix;
  private final Duration timeout;

  /** When this replica first saw the output topic of a backtest that has neither record nor job. */
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

  AbandonedBacktests(
      FlinkRestClient flink,
      BacktestKafka kafka,
      Operations operations,
      EventRecorder events,
      BacktestProperties properties,
      JobProperties job) {
    super("backtest-cleanup", properties.cleanupInterval(), Duration.ofSeconds(30));
    this.flink = flink;
    this.kafka = kafka;
    this.operations = operations;
    this.events = events;
    this.jobPrefix = Backtests.jobName(job.name(), "");
    this.topicPrefix = properties.outputTopicPrefix();
    this.timeout = properties.timeout();
  }

  @Override
  protected void poll() {
    try {
      sweep();
    } catch (FlinkUnavailableException | FlinkRequestException | KafkaUnavailableException e) {
      if (!Thread.currentThread().isInterrupted()) {
        log.info("Looking for abandoned backtests failed, trying again later: {}", e.getMessage());
      }
    } catch (RuntimeException e) {
      log.warn("Looking for abandoned backtests failed", e);
    }
  }

  /** One look: everything a backtest left, by operation id, then who owns it. */
  void sweep() {
    Map<String, JobID> jobs = new TreeMap<>();
    Map<String, JobDetails> ended = new TreeMap<>();
    Map<String, Instant> started = new TreeMap<>();
    for (JobDetails job : flink.jobsOverview()) {
      String id = operationId(job.getJobName(), jobPrefix);
      if (id == null) {
        continue;
      }
      if (job.getStartTime() > 0) {
        started.merge(id, Instant.ofEpochMilli(job.getStartTime()), AbandonedBacktests::later);
      }
      if (running(job)) {
        jobs.put(id, job.getJobId());
      } else {
        ended.merge(id, job, AbandonedBacktests::newer);
      }
    }
    Set<String> topics = new TreeSet<>();
    for (String topic : kafka.topicsStartingWith(topicPrefix)) {
      String id = operationId(topic, topicPrefix);
      if (id != null) {
        topics.add(id);
      }
    }
    Set<String> ids = new TreeSet<>(jobs.keySet());
    ids.addAll(topics);
    // This replica's own backtests in progress: nothing to read about them.
    ids.removeIf(operations::runsHere);
    firstSeen.keySet().retainAll(ids);
    if (ids.isEmpty()) {
      return;
    }
    // Read after the listing: an operation is recorded before its topic and job exist.
    Map<String, Operation> recorded = operations.recorded();
    LeftoverOwnership ownership = operations.leftoverOwnership();
    for (String id : ids) {
      Operation operation = recorded.get(id);
      String owner = operation == null ? null : operation.replica();
      Instant since =
          operation != null ? operation.createdAt() : unrecordedSince(id, started, ownership.now());
      if (!ownership.cleansUp(operations.runsHere(id), owner, since)) {
        continue;
      }
      try {
        cleanUp(id, jobs.get(id), ended.get(id), topics.contains(id), operation);
      } catch (FlinkUnavailableException | FlinkRequestException | KafkaUnavailableException e) {
        // Left as it is: the next look tries again.
        log.info("Cleaning up after backtest {} failed: {}", id, e.getMessage());
      }
    }
  }

  /**
   * The latest a replica that failed to record a backtest would still run it: it stops its own at
   * {@code fraud.backtests.timeout} after starting it, which was before its job started (or before
   * this replica first saw its topic, when Flink lists no job).
   */
  private Instant unrecordedSince(String id, Map<String, Instant> started, Instant now) {
    Instant start = started.get(id);
    if (start == null) {
      start = firstSeen.computeIfAbsent(id, unused -> now);
    }
    return start.plus(timeout);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static JobDetails newer(JobDetails a, JobDetails b) {
    return a.getStartTime() >= b.getStartTime() ? a : b;
  }

  /**
   * @param job its job still running, cancelled here; null when none runs
   * @param ended its job that had ended before, if Flink still lists one
   */
  private void cleanUp(
      String id, JobID job, JobDetails ended, boolean hasTopic, Operation operation) {
    if (job == null && operation != null && operation.state() != OperationState.IN_PROGRESS) {
      // Its end is recorded, as a rule by the replica that ran it and cleans up now: only the
      // output topic its end could not delete (Kafka down then) is left. Nothing was abandoned,
      // nobody is to be paged.
      kafka.deleteOutput(topicPrefix + id);
      log.info(
          "Deleted the output topic {}{} of backtest {}, which had ended {} on replica {}: its end"
              + " could not delete it then",
          topicPrefix,
          id,
          id,
          operation.state(),
          operation.replica());
      return;
    }
    JobStatus endedAs = job == null && ended != null ? ended.getStatus() : null;
    if (job != null) {
      flink.cancel(job);
    }
    if (hasTopic) {
      kafka.deleteOutput(topicPrefix + id);
    }
    if (operation != null) {
      operations.failAbandoned(
          operation, cause(jobFate(job != null, endedAs), hasTopic, operation.replica()));
    }
    String owner = operation == null ? "no recorded replica" : "replica " + operation.replica();
    String message =
        "Backtest "
            + id
            + " was left behind by "
            + owner
            + ", which no longer runs it: "
            + (job != null
                ? "its Flink job " + job + " was cancelled"
                : endedAs != null
                    ? "its Flink job " + ended.getJobId() + " " + jobFate(false, endedAs)
                    : "no job of it was running")
            + (hasTopic ? ", its output topic " + topicPrefix + id + " deleted" : "");
    log.warn(message);
    JobID named = job != null ? job : ended == null ? null : ended.getJobId();
    events.warning(
        EventReason.BACKTEST_ABANDONED, message, named == null ? null : named.toHexString());
  }

  /**
   * Why a backtest whose replica stopped failed, once what it left is cleaned up: the one cause its
   * operation ends with, whether this cleanup or the look for abandoned operations ends it ({@link
   * AbandonedBacktestOutcomes}).
   *
   * @param jobFate what became of its job ({@link #jobFate})
   * @param hadTopic whether it left its output topic, deleted here
   * @param replica the replica that ran it, or null when not recorded
   */
  static String cause(String jobFate, boolean hadTopic, String replica) {
    return RESTARTED
        + "its job "
        + jobFate
        + (hadTopic ? " and its output deleted" : " and it left no output")
        + (replica == null ? "" : " (it ran on replica " + replica + ")");
  }

  /**
   * What became of a backtest's job: cancelled here, or how it had ended by itself before (a
   * backtest's bounded job FINISHES once it read its range; its replica, gone, never recorded the
   * report).
   *
   * @param cancelledHere whether it was still running, and cancelled by the cleanup
   * @param ended how it had ended, when Flink still lists it; null when Flink lists none
   */
  static String jobFate(boolean cancelledHere, JobStatus ended) {
    if (cancelledHere) {
      return "was cancelled";
    }
    if (ended == null) {
      return "was no longer running";
    }
    return switch (ended) {
      case FINISHED -> "had finished on its own (its report was never recorded)";
      case FAILED -> "had failed";
      case CANCELED -> "had been cancelled";
      case CANCELLING -> "was being cancelled";
      default -> "had ended " + ended;
    };
  }

  /** Whether a backtest job still runs: not ended, nor being cancelled already (on its way out). */
  static boolean running(JobDetails job) {
    return !job.getStatus().isGloballyTerminalState() && job.getStatus() != JobStatus.CANCELLING;
  }

  /** The operation id a backtest job or topic name ends with; null for any other name. */
  static String operationId(String name, String prefix) {
    if (name == null || !name.startsWith(prefix)) {
      return null;
    }
    String id = name.substring(prefix.length());
    try {
      // Only what a backtest named: never a topic or job someone else gave a similar name.
      return UUID.fromString(id).toString().equals(id) ? id : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
