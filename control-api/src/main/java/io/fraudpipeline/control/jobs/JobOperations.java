package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.operations.EndedAtShutdown;
import io.fraudpipeline.control.operations.Exclusion;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationClaim;
import io.fraudpipeline.control.operations.OperationContext;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.control.savepoints.SavepointProperties;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.control.savepoints.SavepointRecorder;
import io.fraudpipeline.flink.FlinkRestClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.springframework.stereotype.Component;

/**
 * A savepoint of the running fraud job, taken while it keeps running: checked against the job as
 * Flink reports it now, then run as an {@link Operation} bounded by the job's checkpoint timeout
 * plus a margin, and written to the durable history. Everything that replaces or stops the job is a
 * change of the desired state instead ({@code pipeline}).
 */
@Component
public class JobOperations {

  private final FlinkService flinkService;
  private final FlinkRestClient flink;
  private final Operations operations;
  private final SavepointRecorder recorder;
  private final SavepointProperties savepointProperties;
  private final FraudJobObserver observer;
  private final EmbeddedJobJar jar;
  private final JobProperties jobProperties;
  private final Clock clock = Clock.systemUTC();

  JobOperations(
      FlinkService flinkService,
      FlinkRestClient flink,
      Operations operations,
      SavepointRecorder recorder,
      SavepointProperties savepointProperties,
      FraudJobObserver observer,
      EmbeddedJobJar jar,
      JobProperties jobProperties) {
    this.flinkService = flinkService;
    this.flink = flink;
    this.operations = operations;
    this.recorder = recorder;
    this.savepointProperties = savepointProperties;
    this.observer = observer;
    this.jar = jar;
    this.jobProperties = jobProperties;
  }

  public Operation savepoint(String jobId) {
    FraudJob job = observer.requireJob(jobId);
    if (!"RUNNING".equals(job.state())) {
      throw new StateConflictException(
          "Job " + jobId + " is " + job.state() + ", not RUNNING",
          Map.of("job_state", job.state()));
    }
    // Any operation in progress on the job holds up a savepoint, on whichever replica it runs.
    Exclusion exclusion = Exclusion.onJob(jobId, kind -> true);
    operations.requireNoneInProgress(exclusion);
    try (OperationClaim claim =
        operations.claim(OperationKind.SAVEPOINT, jobId, deadlineFor(jobId), exclusion)) {
      return claim.start(context -> takeSavepoint(job, context));
    }
  }

  private String takeSavepoint(FraudJob job, OperationContext context) throws Exception {
    AtomicReference<String> written = new AtomicReference<>();
    try {
      String path =
          flinkService.triggerSavepoint(
              job.jobId(),
              Duration.between(clock.instant(), context.deadline()),
              p -> {
                written.set(p);
                context.savepointWritten(p);
              });
      record(path, job, context);
      return null;
    } catch (Exception e) {
      if (context.shuttingDown()
          && (e instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
        throw endedAtShutdown(written.get(), context);
      }
      throw e;
    }
  }

  /**
   * Why a savepoint ended whose replica shut down (asked by {@link Operations#close()}): its
   * operation says so, rather than the next replica reporting it interrupted with no more said.
   * Flink finishes a savepoint it has begun on its own; only its record in the history is missing.
   */
  private static EndedAtShutdown endedAtShutdown(String path, OperationContext context) {
    return new EndedAtShutdown(
        "The control-plane replica "
            + context.replica()
            + " shut down while the savepoint was being taken: "
            + (path == null
                ? "Flink may still complete it, but"
                : "Flink wrote it at " + path + ", but")
            + " it is not in the savepoint history (GET /api/v1/savepoints); take the savepoint"
            + " again");
  }

  private void record(String path, FraudJob job, OperationContext context)
      throws InterruptedException {
    SavepointRecord record =
        new SavepointRecord(
            path,
            job.jobId(),
            SavepointRecord.Kind.SAVEPOINT,
            clock.instant(),
            job.parallelism() == null ? 1 : job.parallelism(),
            (job.deliveryGuarantee() == null
                    ? jobProperties.deliveryGuarantee()
                    : job.deliveryGuarantee())
                .argument(),
            // The jar the job runs, which after a rollback or a pinned release is not the one
            // this control plane ships.
            job.jarSha256() == null ? jar.sha256() : job.jarSha256(),
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

  private Duration deadlineFor(String jobId) {
    return flink
        .checkpointTimeout(JobID.fromHexString(jobId))
        .plus(savepointProperties.deadlineMargin());
  }
}
