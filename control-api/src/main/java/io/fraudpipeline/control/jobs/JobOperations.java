package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.FlinkRequestException;
import io.fraudpipeline.control.flink.FlinkRestClient;
import io.fraudpipeline.control.flink.FlinkUnavailableException;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationContext;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.control.savepoints.SavepointAwaiter;
import io.fraudpipeline.control.savepoints.SavepointHistory;
import io.fraudpipeline.control.savepoints.SavepointProperties;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.springframework.stereotype.Component;

/**
 * The long actions on a running fraud job: savepoint, stop with savepoint, cancel, rescale. Each is
 * checked against Flink's current state, then runs as an {@link Operation} bounded by the job's
 * checkpoint timeout plus a margin. Every savepoint written goes to the durable history.
 */
@Component
public class JobOperations {

  private static final Duration STATE_POLL = Duration.ofMillis(250);

  private final FlinkRestClient flink;
  private final Operations operations;
  private final SavepointAwaiter awaiter;
  private final SavepointHistory history;
  private final SavepointProperties savepointProperties;
  private final JobDeployer deployer;
  private final FraudJobObserver observer;
  private final EmbeddedJobJar jar;
  private final JobProperties jobProperties;
  private final Clock clock = Clock.systemUTC();

  JobOperations(
      FlinkRestClient flink,
      Operations operations,
      SavepointAwaiter awaiter,
      SavepointHistory history,
      SavepointProperties savepointProperties,
      JobDeployer deployer,
      FraudJobObserver observer,
      EmbeddedJobJar jar,
      JobProperties jobProperties) {
    this.flink = flink;
    this.operations = operations;
    this.awaiter = awaiter;
    this.history = history;
    this.savepointProperties = savepointProperties;
    this.deployer = deployer;
    this.observer = observer;
    this.jar = jar;
    this.jobProperties = jobProperties;
  }

  public synchronized Operation savepoint(String jobIdHex) {
    JobID jobId = JobID.fromHexString(jobIdHex);
    JobDetailsInfo details = requireRunning(jobId);
    int parallelism = parallelismOf(details);
    DeliveryGuarantee guarantee = deployer.deployedGuarantee(jobId);
    return operations.start(
        OperationKind.SAVEPOINT,
        jobIdHex,
        deadlineFor(jobId),
        context -> {
          TriggerId trigger = new TriggerId();
          triggerTolerantly(() -> flink.triggerSavepoint(jobId, directory(), trigger));
          String path = awaiter.await(jobId, trigger, context);
          record(path, jobId, SavepointRecord.Kind.SAVEPOINT, parallelism, guarantee, context);
          return null;
        });
  }

  public synchronized Operation stop(String jobIdHex, boolean drain) {
    JobID jobId = JobID.fromHexString(jobIdHex);
    JobDetailsInfo details = requireRunning(jobId);
    int parallelism = parallelismOf(details);
    DeliveryGuarantee guarantee = deployer.deployedGuarantee(jobId);
    return operations.start(
        OperationKind.STOP,
        jobIdHex,
        deadlineFor(jobId),
        context -> {
          try {
            stopWithSavepoint(
                jobId, drain, SavepointRecord.Kind.STOP, parallelism, guarantee, context);
          } finally {
            observer.observeNow();
          }
          return null;
        });
  }

  public synchronized Operation cancel(String jobIdHex) {
    JobID jobId = JobID.fromHexString(jobIdHex);
    JobDetailsInfo details = requireFraudJob(jobId);
    if (details.getJobStatus().isGloballyTerminalState()) {
      throw new ApiException(
          ProblemType.CONFLICT,
          "Job " + jobIdHex + " has already ended (" + details.getJobStatus() + ")",
          Map.of("job_state", details.getJobStatus().name()));
    }
    requireNoOperationInProgress(jobIdHex);
    Duration limit = Duration.ofMinutes(1).plus(savepointProperties.deadlineMargin());
    return operations.start(
        OperationKind.CANCEL,
        jobIdHex,
        limit,
        context -> {
          try {
            flink.cancel(jobId);
            awaitTerminal(jobId, context.deadline());
          } finally {
            observer.observeNow();
          }
          return null;
        });
  }

  public synchronized Operation rescale(String jobIdHex, int parallelism) {
    JobID jobId = JobID.fromHexString(jobIdHex);
    deployer.requireParallelismWithinLimit(parallelism);
    JobDetailsInfo details = requireRunning(jobId);
    int current = parallelismOf(details);
    if (current == parallelism) {
      throw new ApiException(
          ProblemType.CONFLICT,
          "Job " + jobIdHex + " already runs at parallelism " + parallelism,
          Map.of("parallelism", current));
    }
    deployer.requireFreeSlots(parallelism, current);
    DeliveryGuarantee guarantee = deployer.deployedGuarantee(jobId);
    Duration limit = deadlineFor(jobId).plus(Duration.ofMinutes(2));
    return operations.start(
        OperationKind.RESCALE,
        jobIdHex,
        limit,
        context -> {
          String path;
          try {
            path =
                stopWithSavepoint(
                    jobId, false, SavepointRecord.Kind.RESCALE, current, guarantee, context);
          } finally {
            observer.observeNow();
          }
          try {
            return deployer.redeploy(parallelism, guarantee, path);
          } catch (RuntimeException e) {
            throw new IllegalStateException(
                "The job was stopped with savepoint "
                    + path
                    + ", but restarting it at parallelism "
                    + parallelism
                    + " failed: "
                    + e.getMessage()
                    + ". Deploy again with restore {\"latest\": true}.",
                e);
          }
        });
  }

  private String stopWithSavepoint(
      JobID jobId,
      boolean drain,
      SavepointRecord.Kind kind,
      int parallelism,
      DeliveryGuarantee guarantee,
      OperationContext context)
      throws InterruptedException {
    TriggerId trigger = new TriggerId();
    triggerTolerantly(() -> flink.stopWithSavepoint(jobId, directory(), drain, trigger));
    String path;
    try {
      path = awaiter.await(jobId, trigger, context);
    } catch (SavepointAwaiter.SavepointFailedException e) {
      if (e.savepointPath() != null) {
        record(e.savepointPath(), jobId, kind, parallelism, guarantee, context);
      }
      throw e;
    }
    record(path, jobId, kind, parallelism, guarantee, context);
    awaitTerminal(jobId, context.deadline());
    return path;
  }

  /**
   * Sends a trigger carrying our own trigger id. If the answer is lost, Flink may still have taken
   * it: the status poll under the same id tells, so only a refusal is final.
   */
  private static void triggerTolerantly(Runnable trigger) {
    try {
      trigger.run();
    } catch (FlinkUnavailableException lost) {
      // The awaiter finds out whether Flink took the trigger, within the deadline.
    }
  }

  private void record(
      String path,
      JobID jobId,
      SavepointRecord.Kind kind,
      int parallelism,
      DeliveryGuarantee guarantee,
      OperationContext context)
      throws InterruptedException {
    SavepointRecord record =
        new SavepointRecord(
            path,
            jobId.toHexString(),
            kind,
            clock.instant(),
            parallelism,
            guarantee.argument(),
            jar.sha256(),
            context.operationId());
    KafkaUnavailableException last = null;
    while (clock.instant().isBefore(context.deadline())) {
      try {
        history.append(record);
        return;
      } catch (KafkaUnavailableException e) {
        last = e;
        Thread.sleep(1_000);
      }
    }
    throw new IllegalStateException(
        "The savepoint at "
            + path
            + " was written but could not be recorded in the savepoint history"
            + (last == null ? "" : ": " + last.getMessage()));
  }

  private void awaitTerminal(JobID jobId, Instant deadline) throws InterruptedException {
    while (clock.instant().isBefore(deadline)) {
      try {
        JobStatus status = flink.jobDetails(jobId).getJobStatus();
        if (status.isGloballyTerminalState()) {
          return;
        }
      } catch (FlinkUnavailableException e) {
        // Keep asking until the deadline.
      }
      Thread.sleep(STATE_POLL.toMillis());
    }
    throw new IllegalStateException("Job " + jobId + " did not end by " + deadline);
  }

  private JobDetailsInfo requireRunning(JobID jobId) {
    JobDetailsInfo details = requireFraudJob(jobId);
    if (details.getJobStatus() != JobStatus.RUNNING) {
      throw new ApiException(
          ProblemType.CONFLICT,
          "Job " + jobId + " is " + details.getJobStatus() + ", not RUNNING",
          Map.of("job_state", details.getJobStatus().name()));
    }
    requireNoOperationInProgress(jobId.toHexString());
    return details;
  }

  private JobDetailsInfo requireFraudJob(JobID jobId) {
    JobDetailsInfo details;
    try {
      details = flink.jobDetails(jobId);
    } catch (FlinkRequestException e) {
      if (e.isNotFound()) {
        throw new JobNotFoundException(jobId.toHexString(), jobProperties.name());
      }
      throw e;
    }
    if (!jobProperties.name().equals(details.getName())) {
      throw new JobNotFoundException(jobId.toHexString(), jobProperties.name());
    }
    return details;
  }

  private void requireNoOperationInProgress(String jobId) {
    operations.list().stream()
        .filter(op -> op.state() == OperationState.IN_PROGRESS && jobId.equals(op.jobId()))
        .findFirst()
        .ifPresent(
            op -> {
              throw new ApiException(
                  ProblemType.CONFLICT,
                  "Operation " + op.id() + " (" + op.kind() + ") is in progress on job " + jobId,
                  Map.of("operation_id", op.id()));
            });
  }

  private Duration deadlineFor(JobID jobId) {
    return flink.checkpointTimeout(jobId).plus(savepointProperties.deadlineMargin());
  }

  private String directory() {
    return savepointProperties.hasDirectory() ? savepointProperties.directory() : null;
  }

  private static int parallelismOf(JobDetailsInfo details) {
    return details.getJobVertexInfos().stream()
        .mapToInt(JobDetailsInfo.JobVertexDetailsInfo::getParallelism)
        .max()
        .orElse(1);
  }
}
