package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.FreeSlots;
import io.fraudpipeline.control.jobs.EmbeddedJobJar;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JobJarUploader;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.jobs.Observation;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.savepoints.Restorability;
import io.fraudpipeline.control.savepoints.SavepointCatalog;
import io.fraudpipeline.control.support.TestLeadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stop, cancel or rescale operation whose desired version a later one supersedes: it ends at once
 * when the later version rules out its goal (keeping the savepoint the reconciler already took),
 * and keeps waiting when the later version still leads there. The reconciler's status and the
 * desired state are set by the test; nothing runs on Flink or Kafka.
 */
class SupersededOperationsTest {

  private static final String OLD_JOB = "00000000000000000000000000000001";
  private static final String NEW_JOB = "00000000000000000000000000000002";
  private static final String SAVEPOINT = "file:/tmp/savepoints/savepoint-000000-aaaaaaaaaaaa";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final DesiredStateLog desiredLog = mock(DesiredStateLog.class);
  private final DesiredStateWriter writer = mock(DesiredStateWriter.class);
  private final PipelineStatusStore statusStore = mock(PipelineStatusStore.class);
  private final FraudJobObserver observer = mock(FraudJobObserver.class);
  private final InMemoryOperations operations =
      new InMemoryOperations(new TestLeadership(), Clock.systemUTC(), Duration.ofSeconds(30));

  private final AtomicReference<DesiredState> newest = new AtomicReference<>();
  private final AtomicReference<PipelineStatus> status = new AtomicReference<>();
  private final AtomicReference<List<FraudJob>> jobs = new AtomicReference<>();

  private PipelineService service;

  @BeforeEach
  void setUp() {
    ReconcilerProperties properties =
        new ReconcilerProperties(
            true,
            Duration.ofSeconds(1),
            TIMEOUT,
            TIMEOUT,
            TIMEOUT,
            new ReconcilerProperties.RestartBudget(
                3, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(10)),
            null,
            null);
    JobProperties jobProperties =
        new JobProperties(
            "fraud",
            2,
            8,
            DeliveryGuarantee.EXACTLY_ONCE,
            Duration.ofSeconds(5),
            "Main",
            null,
            "/tmp/jars");
    StatusAwaiter awaiter = new StatusAwaiter(desiredLog, statusStore, observer, properties);
    service =
        new PipelineService(
            desiredLog,
            writer,
            awaiter,
            statusStore,
            observer,
            mock(JobJarUploader.class),
            mock(EmbeddedJobJar.class),
            mock(JobJars.class),
            mock(SavepointCatalog.class),
            mock(Restorability.class),
            operations.operations(),
            mock(EventRecorder.class),
            jobProperties,
            mock(FreeSlots.class),
            properties);
    jobs.set(List.of(job(OLD_JOB, "RUNNING", 2)));
    when(desiredLog.current()).thenAnswer(i -> Optional.ofNullable(newest.get()));
    when(statusStore.read()).thenAnswer(i -> Optional.ofNullable(status.get()));
    when(observer.observeNow()).thenAnswer(i -> observation());
    when(observer.requireJob(anyString()))
        .thenAnswer(i -> observation().job(i.getArgument(0)).orElseThrow());
    // The command's own version: the one after version 17, with its edit applied.
    when(writer.changeSpec(anyString(), anyString(), any()))
        .thenAnswer(
            i -> {
              java.util.function.UnaryOperator<PipelineSpec> edit = i.getArgument(2);
              DesiredState accepted = version(18, edit.apply(running(2)), i.getArgument(1));
              newest.set(accepted);
              return accepted;
            });
  }

  @AfterEach
  void tearDown() {
    operations.close();
  }

  @Test
  void rescaleSupersededByASuspendFailsAtOnceKeepingTheSavepointItsStopStepTook() {
    Operation rescale = service.rescale(OLD_JOB, 1, "ops");
    // The reconciler replaced the job (stopped with a savepoint), then found version 19 suspended.
    newest.set(version(19, suspended(1), "PATCH /api/v1/pipeline"));
    jobs.set(List.of(job(OLD_JOB, "FINISHED", 2)));
    status.set(reconciled(19, OLD_JOB, savepointOf(OLD_JOB), "Pipeline is suspended"));

    Operation ended = awaitEnd(rescale.id(), Duration.ofSeconds(5));

    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .contains("superseded by desired version 19 (PATCH /api/v1/pipeline by ops)")
        .contains("which suspends the pipeline");
    assertThat(ended.savepointPath()).isEqualTo(SAVEPOINT);
  }

  @Test
  void rescaleSupersededByAnotherParallelismFailsAtOnce() {
    Operation rescale = service.rescale(OLD_JOB, 1, "ops");
    newest.set(version(19, running(3), "PATCH /api/v1/pipeline"));
    status.set(reconciled(19, OLD_JOB, null, "Job is RUNNING"));

    Operation ended = awaitEnd(rescale.id(), Duration.ofSeconds(5));

    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause()).contains("which asks for parallelism 3");
    assertThat(ended.savepointPath()).isNull();
  }

  @Test
  void rescaleCompletesWhenALaterVersionStillAsksForItsParallelism() throws Exception {
    Operation rescale = service.rescale(OLD_JOB, 1, "ops");
    // A later change of another setting (the guarantee) at the same parallelism.
    PipelineSpec later =
        new PipelineSpec(
            PipelineState.RUNNING,
            1,
            DeliveryGuarantee.AT_LEAST_ONCE,
            UpgradeMode.SAVEPOINT,
            SuspendMode.SAVEPOINT,
            true,
            null,
            false,
            null);
    newest.set(version(19, later, "PATCH /api/v1/pipeline"));
    jobs.set(List.of(job(OLD_JOB, "FINISHED", 2)));
    status.set(reconciled(19, OLD_JOB, savepointOf(OLD_JOB), "Job stopped (replace)"));
    Thread.sleep(1000);
    assertThat(operations.operations().find(rescale.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);

    jobs.set(List.of(job(OLD_JOB, "FINISHED", 2), job(NEW_JOB, "RUNNING", 1)));
    status.set(reconciled(19, NEW_JOB, savepointOf(OLD_JOB), "Replacement deployed"));

    Operation ended = awaitEnd(rescale.id(), Duration.ofSeconds(5));
    assertThat(ended.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(ended.newJobId()).isEqualTo(NEW_JOB);
  }

  @Test
  void stopSupersededByAResumeFailsAtOnceKeepingItsSavepoint() {
    Operation stop = service.stop(OLD_JOB, false, "ops");
    // The reconciler stopped the job with a savepoint for 18, then version 19 ran it again.
    newest.set(version(19, running(2), "POST /api/v1/jobs"));
    jobs.set(List.of(job(OLD_JOB, "FINISHED", 2), job(NEW_JOB, "RUNNING", 2)));
    status.set(reconciled(19, NEW_JOB, savepointOf(OLD_JOB), "Resumed"));

    Operation ended = awaitEnd(stop.id(), Duration.ofSeconds(5));

    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .contains("superseded by desired version 19 (POST /api/v1/jobs by ops)")
        .contains("which runs the pipeline again");
    assertThat(ended.savepointPath()).isEqualTo(SAVEPOINT);
  }

  private Operation awaitEnd(String id, Duration within) {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      Operation op = operations.operations().find(id).orElseThrow();
      if (op.state() != OperationState.IN_PROGRESS) {
        return op;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("Operation " + id + " still in progress after " + within);
  }

  private Observation observation() {
    return new Observation(Instant.now(), true, null, null, jobs.get(), List.of());
  }

  private static FraudJob job(String id, String state, int parallelism) {
    return new FraudJob(
        id,
        "fraud",
        state,
        Instant.now(),
        null,
        null,
        parallelism,
        DeliveryGuarantee.EXACTLY_ONCE,
        0L,
        null,
        List.of(),
        null,
        null,
        null,
        Instant.now());
  }

  private static PipelineSpec running(int parallelism) {
    return new PipelineSpec(
        PipelineState.RUNNING,
        parallelism,
        DeliveryGuarantee.EXACTLY_ONCE,
        UpgradeMode.SAVEPOINT,
        SuspendMode.SAVEPOINT,
        true,
        null,
        false,
        null);
  }

  private static PipelineSpec suspended(int parallelism) {
    return running(parallelism).withState(PipelineState.SUSPENDED, SuspendMode.SAVEPOINT);
  }

  private static DesiredState version(long version, PipelineSpec spec, String cause) {
    return new DesiredState(version, "pipeline", spec, 1, Instant.now(), "ops", cause);
  }

  private static RestorePoint savepointOf(String jobId) {
    return new RestorePoint(SAVEPOINT, RestorePoint.Kind.SAVEPOINT, Instant.now(), jobId);
  }

  private static PipelineStatus reconciled(
      long desiredVersion, String jobId, RestorePoint lastState, String lastStep) {
    ReconcileStep step = new ReconcileStep(Instant.now(), "none", lastStep, "replica-test", 1);
    return new PipelineStatus(
        desiredVersion,
        1,
        jobId,
        2,
        lastState,
        null,
        null,
        false,
        List.of(),
        null,
        null,
        null,
        null,
        null,
        List.of(),
        step,
        List.of(step),
        Instant.now());
  }
}
