package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.errors.ConcurrencyLimitException;
import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FreeSlots;
import io.fraudpipeline.control.jobs.FraudJobArguments;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JarRunner;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.operations.EndedAtShutdown;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationClaim;
import io.fraudpipeline.control.operations.OperationContext;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationProgress;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.job.metrics.AggregatedMetric;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Runs backtests: checks the request against what Kafka retains, then, as an operation, runs the
 * fraud job jar's backtest entry class as a bounded Flink job on the same cluster, follows its
 * progress (records read of the range's total), reads the alerts it wrote to a topic of its own,
 * compares them with the live alerts of the range and keeps the report as the operation's result.
 *
 * <p>The alerts travel through Kafka rather than Flink accumulators: a report needs every alerted
 * transaction id (for the overlap), which accumulators would carry through the JobManager's memory
 * and REST answers; a topic holds any number, is read with the code that reads the alerts topic,
 * and is deleted once read.
 */
@Component
public class Backtests {

  /** The bounded job's operator that counts the transaction records it reads. */
  static final String COUNTING_OPERATOR = "backtest-validate-transactions";

  private static final String RECORDS = "records";

  static final String RECORDS_READ_METRIC = COUNTING_OPERATOR + ".transactionsIn";

  private static final Logger log = LoggerFactory.getLogger(Backtests.class);

  private final Operations operations;
  private final FlinkRestClient flink;
  private final JarRunner runner;
  private final BacktestAdmission admission;
  private final JobJars jars;
  private final FraudJobArguments arguments;
  private final BacktestKafka kafka;
  private final BacktestProperties properties;
  private final String jobName;
  private final EventRecorder events;
  private final Clock clock;

  @Autowired
  Backtests(
      Operations operations,
      FlinkRestClient flink,
      JarRunner runner,
      JobJars jars,
      FreeSlots freeSlots,
      FraudJobArguments arguments,
      BacktestKafka kafka,
      BacktestProperties properties,
      JobProperties job,
      EventRecorder events) {
    this(
        operations,
        flink,
        runner,
        jars,
        freeSlots,
        arguments,
        kafka,
        properties,
        job,
        events,
        Clock.systemUTC());
  }

  Backtests(
      Operations operations,
      FlinkRestClient flink,
      JarRunner runner,
      JobJars jars,
      FreeSlots freeSlots,
      FraudJobArguments arguments,
      BacktestKafka kafka,
      BacktestProperties properties,
      JobProperties job,
      EventRecorder events,
      Clock clock) {
    this.operations = operations;
    this.flink = flink;
    this.runner = runner;
    this.jars = jars;
    this.admission = new BacktestAdmission(flink, freeSlots, properties);
    this.arguments = arguments;
    this.kafka = kafka;
    this.properties = properties;
    this.jobName = job.name();
    this.events = events;
    this.clock = clock;
  }

  /**
   * Validates the request and starts the backtest, admitted against the backtests in progress on
   * every replica ({@link BacktestAdmission}): first as last read, then, once its operation is
   * recorded, against those recorded before it, which alone settles a race between replicas.
   *
   * @throws InvalidInputException if the request is invalid
   * @throws ConcurrencyLimitException when as many backtests run as allowed
   * @throws io.fraudpipeline.control.errors.StateConflictException when Flink has too few free
   *     slots for it
   * @throws io.fraudpipeline.control.kafka.KafkaUnavailableException when its operation cannot be
   *     recorded and read back
   */
  public synchronized Operation start(JsonNode body) {
    BacktestRequest request = BacktestRequests.read(body, clock.instant(), properties.maxSpan());
    admission.admit(operations.inProgress());
    requireRetained(request);
    BacktestKafka.ReadPlan plan =
        kafka.plan(
            request.readFrom().minus(properties.lookback()),
            request.to(),
            request.to().plus(properties.lookback()));
    long total = plan.records();
    JobID jobId = new JobID();
    try (OperationClaim claim =
        operations.claim(
            OperationKind.BACKTEST,
            jobId.toHexString(),
            properties.timeout(),
            true,
            new OperationProgress(0, total, RECORDS),
            admission::admit)) {
      return claim.start(context -> run(request, jobId, plan, context));
    }
  }

  private void requireRetained(BacktestRequest request) {
    if (!kafka.transactionsTopicExists()) {
      throw new InvalidInputException(
          List.of(new FieldError("from", "there are no transactions: the topic does not exist")));
    }
    Instant oldest = kafka.oldestRetained();
    if (oldest != null && request.readFrom().isBefore(oldest)) {
      String window =
          request.readFrom().equals(request.from())
              ? ""
              : " (from minus the widest candidate window, "
                  + request.readFrom()
                  + ", so that windows are full)";
      throw new InvalidInputException(
          List.of(
              new FieldError(
                  "from",
                  "reading must start"
                      + window
                      + " at or after the oldest transaction Kafka still retains, "
                      + oldest)));
    }
  }

  private String run(
      BacktestRequest request, JobID jobId, BacktestKafka.ReadPlan plan, OperationContext context)
      throws Exception {
    long total = plan.records();
    String topic = properties.outputTopicPrefix() + context.operationId();
    context.onCancel(() -> cancelQuietly(jobId));
    boolean stopping = false;
    try {
      // In the try: a shutdown may cut it short too (and a topic it did not create is no error to
      // delete).
      kafka.createOutput(topic);
      if (context.cancelRequested()) {
        return null;
      }
      submit(request, jobId, topic, context.operationId(), plan.stopOffsets());
      if (context.cancelRequested()) {
        // The cancel may have come before Flink knew the job.
        cancelQuietly(jobId);
      }
      JobStatus end = await(jobId, total, context);
      if (end == JobStatus.CANCELED) {
        if (context.cancelRequested()) {
          return null;
        }
        throw new IllegalStateException("The backtest job " + jobId + " was cancelled in Flink");
      }
      if (end != JobStatus.FINISHED) {
        throw new IllegalStateException(
            "The backtest job " + jobId + " ended " + end + ": " + rootCause(jobId));
      }
      context.progress(new OperationProgress(total, total, RECORDS));
      List<FraudAlert> alerts = kafka.readOutput(topic);
      List<FraudAlert> live = kafka.liveAlerts(request.from(), request.to(), properties.lookback());
      BacktestReport report =
          BacktestReport.of(request, total, alerts, live, properties.sampleSize());
      context.result(FraudJson.mapper().valueToTree(report));
      log.info(
          "Backtest {} of {} over [{}, {}): {} alerts, {} also live, {} only live, {} also in"
              + " shadow",
          context.operationId(),
          request.ruleIds(),
          request.from(),
          request.to(),
          report.alerts(),
          report.overlap().both(),
          report.overlap().onlyLive(),
          report.overlap().shadow().both());
      return null;
    } catch (Exception e) {
      if (context.shuttingDown()
          && (e instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
        // The replica shuts down and asked its backtests to end (fraud.backtests.shutdown-grace):
        // ended here, rather than left for another replica to find abandoned.
        stopping = true;
        throw endAtShutdown(jobId, topic, context);
      }
      if (e instanceof InterruptedException) {
        stopping = true;
      }
      throw e;
    } finally {
      // Interrupted otherwise (a shutdown past fraud.backtests.shutdown-grace), this control plane
      // is stopping: the job runs on, and the topic is left with it for the next control plane to
      // clean up with the job and to say why (AbandonedBacktests), as after a crash.
      if (!stopping && !Thread.currentThread().isInterrupted()) {
        try {
          kafka.deleteOutput(topic);
        } catch (RuntimeException e) {
          log.warn("Backtest output topic {} is left behind: {}", topic, e.getMessage());
        }
      }
    }
  }

  /**
   * Ends a backtest whose replica shuts down: cancels its job (a no-op when Flink has none yet) and
   * deletes its output, as the cleanup of an abandoned backtest does, but says it was a planned end
   * (a normal event). A job that was about to finish is cancelled all the same: its report can only
   * be made by this replica, which alone holds the request (candidate rules, range), and a re-run
   * gives it.
   */
  private EndedAtShutdown endAtShutdown(JobID jobId, String topic, OperationContext context) {
    // Cleared: the calls to Flink and Kafka that end the work must not be cut short in turn.
    Thread.interrupted();
    // Also when its submission was cut short: Flink may have taken it.
    String job;
    try {
      flink.cancel(jobId);
      job = " was cancelled";
    } catch (FlinkRequestException e) {
      job =
          e.isNotFound() ? " had not started" : " could not be cancelled (" + e.getMessage() + ")";
    } catch (FlinkUnavailableException e) {
      job = " could not be cancelled (" + e.getMessage() + ")";
    }
    String output;
    try {
      kafka.deleteOutput(topic);
      output = "its output deleted";
    } catch (RuntimeException e) {
      output = "its output topic left to the backtest cleanup (" + e.getMessage() + ")";
    }
    String cause =
        "The control-plane replica "
            + context.replica()
            + " shut down while the backtest ran: its Flink job "
            + jobId
            + job
            + " and "
            + output
            + "; run the backtest again";
    log.info("Backtest {}: {}", context.operationId(), cause);
    events.normal(
        EventReason.BACKTEST_ENDED_AT_SHUTDOWN,
        "Backtest " + context.operationId() + " ended: " + cause,
        jobId.toHexString());
    return new EndedAtShutdown(cause);
  }

  /** The bounded job's name (and consumer group) for the live job's name and the operation. */
  static String jobName(String liveJobName, String operationId) {
    return liveJobName + "-backtest-" + operationId;
  }

  private void submit(
      BacktestRequest request,
      JobID jobId,
      String topic,
      String operationId,
      Map<Integer, Long> stopOffsets) {
    String name = jobName(jobName, operationId);
    List<String> args = new ArrayList<>(arguments.boundedReader(name, name));
    args.addAll(
        List.of(
            "--backtest-rules",
            Base64.getUrlEncoder().encodeToString(FraudJson.write(request.candidates())),
            "--backtest-from",
            Long.toString(request.from().toEpochMilli()),
            "--backtest-to",
            Long.toString(request.to().toEpochMilli()),
            "--backtest-output-topic",
            topic,
            "--backtest-stop-offsets",
            stopOffsets.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue())
                .collect(java.util.stream.Collectors.joining(","))));
    JarRunRequestBody body =
        new JarRunRequestBody(
            properties.entryClass(),
            args,
            properties.parallelism(),
            jobId,
            null,
            null,
            null,
            Map.of());
    // The jar this control plane ships; a lost answer is asked about rather than taken for a
    // failure, which would delete the output topic of a job Flink may be running.
    runner.run(jars.require(null), body);
  }

  /** Follows the job to its end, showing the records it read; cancels it past the deadline. */
  private JobStatus await(JobID jobId, long total, OperationContext context)
      throws InterruptedException {
    while (true) {
      if (clock.instant().isAfter(context.deadline())) {
        cancelQuietly(jobId);
        throw new IllegalStateException(
            "The backtest did not finish within "
                + properties.timeout()
                + " (fraud.backtests.timeout); its job "
                + jobId
                + " was cancelled");
      }
      try {
        JobDetailsInfo details = flink.jobDetails(jobId);
        JobStatus status = details.getJobStatus();
        if (status.isGloballyTerminalState()) {
          return status;
        }
        Long read = recordsRead(jobId, details);
        if (read != null) {
          context.progress(new OperationProgress(Math.min(read, total), total, RECORDS));
        }
      } catch (FlinkUnavailableException | FlinkRequestException e) {
        // A JobManager that does not answer now may answer at the next look, until the deadline.
        log.debug("Backtest job {} not observed: {}", jobId, e.getMessage());
      }
      Thread.sleep(properties.pollInterval().toMillis());
    }
  }

  private Long recordsRead(JobID jobId, JobDetailsInfo details) {
    for (var vertex : details.getJobVertexInfos()) {
      if (vertex.getName() != null && vertex.getName().contains(COUNTING_OPERATOR)) {
        return flink
            .aggregatedSubtaskMetric(jobId, vertex.getJobVertexID(), RECORDS_READ_METRIC)
            .map(AggregatedMetric::getSum)
            .map(Double::longValue)
            .orElse(null);
      }
    }
    return null;
  }

  private String rootCause(JobID jobId) {
    try {
      for (var entry : flink.exceptions(jobId, 1).getExceptionHistory().getEntries()) {
        return entry.getStacktrace() == null
            ? entry.getExceptionName()
            : FraudJobObserver.deepestCause(entry.getStacktrace());
      }
    } catch (RuntimeException e) {
      log.debug("No exception history for backtest job {}", jobId, e);
    }
    return "no cause reported";
  }

  private void cancelQuietly(JobID jobId) {
    try {
      flink.cancel(jobId);
    } catch (RuntimeException e) {
      // Not submitted yet, or already ended: nothing to cancel.
      log.debug("Cancel of backtest job {}: {}", jobId, e.getMessage());
    }
  }
}
