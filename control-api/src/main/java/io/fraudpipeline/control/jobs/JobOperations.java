package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.SavepointAwaiter;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationContext;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.control.savepoints.SavepointProperties;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.control.savepoints.SavepointRecorder;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.springframework.stereotype.Component;

/**
 * A savepoint of the running fraud job, taken while it keeps running: checked against Flink's
 * current state, then run as an {@link Operation} bounded by the job's checkpoint timeout plus a
 * margin, and written to the durable history. Everything that replaces or stops the job is a change
 * of the desired state instead ({@code pipeline}).
 */
@Component
public class JobOperations {

  private static final Duration STATE_POLL = Duration.ofMillis(250);

  private final FlinkRestClient flink;
  private final Operations operations;
  private final SavepointAwaiter awaiter;
  private final SavepointRecorder recorder;
  private final SavepointProperties savepointProperties;
  private final FraudJobObserver observer;
  private final EmbeddedJobJar jar;
  private final JobProperties jobProperties;
  private final Clock clock = Clock.systemUTC();

  JobOperations(
      FlinkRestClient flink,
      Operations operations,
      SavepointAwaiter awaiter,
      SavepointRecorder recorder,
      SavepointProperties savepointProperties,
      FraudJobObserver observer,
      EmbeddedJobJar jar,
      JobProperties jobProperties) {
    this.flink = flink;
    this.operations = operations;
    this.awaiter = awaiter;
    this.recorder = recorder;
    this.savepointProperties = savepointProperties;
    this.observer = observer;
    this.jar = jar;
    this.jobProperties = jobProperties;
  }

  public synchronized Operation savepoint(String jobIdHex) {
    JobID jobId = JobID.fromHexString(jobIdHex);
    JobDetailsInfo details = requireRunning(jobId);
    int parallelism = parallelismOf(details);
    DeliveryGuarantee guarantee = deployedGuarantee(jobIdHex);
    return operations.start(
        OperationKind.SAVEPOINT,
        jobIdHex,
        deadlineFor(jobId),
        context -> {
          TriggerId trigger = new TriggerId();
          triggerTolerantly(() -> flink.triggerSavepoint(jobId, directory(), trigger));
          String path =
              awaiter.await(jobId, trigger, context.deadline(), context::savepointWritten);
          record(path, jobId, SavepointRecord.Kind.SAVEPOINT, parallelism, guarantee, context);
          return null;
        });
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
        recorder.record(record);
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

  /** The guarantee the job was deployed with (Flink keeps it in the job's parameters). */
  private DeliveryGuarantee deployedGuarantee(String jobId) {
    return observer
        .observeNow()
        .job(jobId)
        .map(FraudJob::deliveryGuarantee)
        .orElse(jobProperties.deliveryGuarantee());
  }

  private JobDetailsInfo requireRunning(JobID jobId) {
    JobDetailsInfo details = requireFraudJob(jobId);
    if (details.getJobStatus() != JobStatus.RUNNING) {
      throw new StateConflictException(
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
              throw new StateConflictException(
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
