package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.DuplicateJobException;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.flink.InFlightSubmissions;
import io.fraudpipeline.control.flink.JobSubmission;
import io.fraudpipeline.control.flink.SavepointAwaiter;
import io.fraudpipeline.control.flink.StoppedJobUnknownException;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.flink.UnknownJobException;
import io.fraudpipeline.control.pipeline.CheckpointStorage;
import io.fraudpipeline.control.pipeline.DesiredState;
import io.fraudpipeline.control.pipeline.ObservedPipeline;
import io.fraudpipeline.control.pipeline.PipelineStatus;
import io.fraudpipeline.control.pipeline.ReplicaReconciler;
import io.fraudpipeline.control.savepoints.SavepointProperties;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.TestJobJars;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.SavepointStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link FlinkService} against a real Flink session cluster and the real fraud-job jar:
 * what the reconciler's unit tests assume of {@link TestingFlinkService} holds on Flink.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestFlinkServiceTest {

  private static final Duration LONG = Duration.ofMinutes(2);
  private static final String JOB = "0123456789abcdef0123456789abcdef";
  private static final String RESTORED = "fedcba9876543210fedcba9876543210";

  static LocalKafka kafka;
  static LocalFlink flink;
  static ControlPlane control;
  static FlinkService service;
  static String savepoint;
  @TempDir static Path jarStore;

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start();
    kafka.createTopic("transactions", 2, Map.of());
    kafka.createTopic("fraud-alerts", 2, Map.of());
    // Without its rules topic the job's rules source has nothing to read and finishes: a job
    // that runs, but not every task of it.
    kafka.createTopic("fraud-rules", 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic("transactions-dlq", 1, Map.of());
    flink = LocalFlink.start();
    // No desired state is declared, so the control plane's reconciler leaves these jobs alone.
    control =
        ControlPlane.start(
            flink.restUrl(),
            kafka.bootstrapServers(),
            Map.of("fraud.job.jar-store", jarStore.toString()));
    service = control.bean(FlinkService.class);
  }

  @AfterAll
  static void stop() throws Exception {
    Closing.inOrder(control, flink, kafka);
  }

  @Test
  @Order(1)
  void runsTheJobUnderTheChosenIdAndReportsItsJarTasksAndCheckpoints() {
    service.submit(new JobSubmission(JOB, 1, DeliveryGuarantee.EXACTLY_ONCE, null, false, null));

    FlinkJob job =
        await()
            .atMost(LONG)
            .until(
                () -> find(JOB).orElse(null),
                j ->
                    j != null
                        && j.state().equals("RUNNING")
                        && j.lastCheckpoint() != null
                        && Boolean.TRUE.equals(j.tasksRunning()));
    assertThat(job.parallelism()).isEqualTo(1);
    assertThat(job.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    // What upgrades compare and their readiness check needs, as the fake reports them too.
    assertThat(job.jarSha256()).isEqualTo(control.bean(JobJars.class).shippedSha256()).hasSize(64);
    String directory = CheckpointStorage.directoryOf(job.lastCheckpoint().path());
    assertThat(directory).isNotNull();
    assertThat(new CheckpointStorage().newest(directory, JOB))
        .hasValueSatisfying(
            newest ->
                assertThat(newest.path())
                    .startsWith(directory.replaceAll("/$", ""))
                    .contains(JOB + "/chk-"));
  }

  @Test
  @Order(3)
  void refusesARepeatedSubmissionAsADuplicate() {
    assertThatThrownBy(
            () ->
                service.submit(
                    new JobSubmission(JOB, 1, DeliveryGuarantee.EXACTLY_ONCE, null, false, null)))
        .isInstanceOf(DuplicateJobException.class);
    assertThat(service.fraudJobs().stream().filter(FlinkJob::isActive)).hasSize(1);
  }

  @Test
  @Order(4)
  void stopsWithASavepointAndRunsAgainFromIt() throws Exception {
    savepoint = service.stopWithSavepoint(JOB, false, LONG);

    assertThat(savepoint).isNotBlank();
    FlinkJob finished = find(JOB).orElseThrow();
    assertThat(finished.state()).isEqualTo("FINISHED");
    // The reconciler waits for the savepoint's statistics until a while after this.
    assertThat(finished.endTime()).isNotNull().isAfterOrEqualTo(finished.startTime());
    // What a leader that dies during the stop leaves its successor: only Flink knows the savepoint.
    // Flink's REST API serves a job's details from a cache (web.refresh-interval, 3 s), so the
    // stopped job's statistics may lag its end by that much.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(service.lastSavepoint(JOB))
                    .hasValueSatisfying(sp -> assertThat(sp.path()).isEqualTo(savepoint)));
    service.submit(
        new JobSubmission(RESTORED, 1, DeliveryGuarantee.AT_LEAST_ONCE, savepoint, false, null));
    await()
        .atMost(LONG)
        .untilAsserted(() -> assertThat(find(RESTORED).orElseThrow().state()).isEqualTo("RUNNING"));
    assertThat(find(RESTORED).orElseThrow().deliveryGuarantee())
        .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
  }

  @Test
  @Order(5)
  void cancelsAJobAndKeepsItsLastCheckpoint() throws Exception {
    await()
        .atMost(LONG)
        .untilAsserted(() -> assertThat(find(RESTORED).orElseThrow().lastCheckpoint()).isNotNull());
    String directory =
        CheckpointStorage.directoryOf(find(RESTORED).orElseThrow().lastCheckpoint().path());

    service.cancel(RESTORED, LONG);

    assertThat(find(RESTORED).orElseThrow().state()).isEqualTo("CANCELED");
    assertThat(new CheckpointStorage().newest(directory, RESTORED))
        .as("RETAIN_ON_CANCELLATION")
        .isPresent();
  }

  /**
   * What a JobManager replaced without HA answers a command on a job it does not have: told as
   * {@link UnknownJobException}, which the reconciler waits on rather than failing the step, as
   * {@link TestingFlinkService} throws it.
   */
  @Test
  @Order(5)
  void aCommandOnAJobFlinkDoesNotKnowSaysSo() {
    String unknown = "0000000000000000000000000000dead";

    assertThatThrownBy(() -> service.cancel(unknown, LONG)).isInstanceOf(UnknownJobException.class);
    assertThatThrownBy(() -> service.lastSavepoint(unknown))
        .isInstanceOf(UnknownJobException.class);
    assertThatThrownBy(() -> service.stopWithSavepoint(unknown, false, LONG))
        .isInstanceOf(UnknownJobException.class);
  }

  @Test
  @Order(6)
  void refusesAJobThatCannotRestoreAndReportsItFailedWithTheCause() {
    String failing = "00000000000000000000000000000bad";

    assertThatThrownBy(
            () ->
                service.submit(
                    new JobSubmission(
                        failing,
                        1,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "file:/no/such/savepoint",
                        false,
                        null)))
        .isInstanceOf(io.fraudpipeline.flink.FlinkRequestException.class)
        .isNotInstanceOf(DuplicateJobException.class)
        .hasMessageContaining("Cannot find checkpoint or savepoint");
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              FlinkJob job = find(failing).orElseThrow();
              assertThat(job.state()).isEqualTo("FAILED");
              assertThat(job.failureCause()).contains("no/such/savepoint");
            });
  }

  /**
   * What a rule change on an exactly-once job relies on ({@code rules.RuleChangeCheckpoint}): Flink
   * takes a checkpoint when asked, and says which; a request for an unknown job is accepted and
   * fails later, as the fake has it.
   */
  @Test
  @Order(2)
  void takesACheckpointWhenAskedBesideThePeriodicOnes() {
    JobID id = JobID.fromHexString(JOB);
    try (FlinkRestClient client =
        new FlinkRestClient(URI.create(flink.restUrl()), Duration.ofSeconds(10), LONG)) {
      TriggerId trigger = client.triggerCheckpoint(id);

      long checkpoint =
          await()
              .atMost(LONG)
              .until(() -> client.triggeredCheckpoint(id, trigger), Optional::isPresent)
              .orElseThrow();
      assertThat(checkpoint).isPositive();
      await()
          .atMost(LONG)
          .untilAsserted(
              () ->
                  assertThat(find(JOB).orElseThrow().lastCheckpoint().id())
                      .isGreaterThanOrEqualTo(checkpoint));
      // A request for a job Flink does not run is accepted, and fails in its status.
      JobID unknown = JobID.fromHexString(RESTORED);
      TriggerId lost = client.triggerCheckpoint(unknown);
      await()
          .atMost(LONG)
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> client.triggeredCheckpoint(unknown, lost))
                      .isInstanceOf(FlinkRequestException.class));
    }
  }

  /**
   * One observation per poll: the reconciler's observation (through {@link
   * FlinkService#fraudJobs()}) is the one the reads, health and metrics use, and the background
   * poll within the same interval asks Flink nothing more.
   */
  @Test
  @Order(2)
  void theReconcilersObservationServesEveryReaderForThePollInterval() {
    try (CountingFlinkRestClient counting = new CountingFlinkRestClient(flink.restUrl())) {
      FraudJobObserver observer =
          new FraudJobObserver(
              counting, "fraud-detection", Duration.ofMinutes(1), Clock.systemUTC());
      FlinkService reconcilers =
          new RestFlinkService(
              counting, observer, null, null, null, null, control.bean(SavepointProperties.class));

      List<FlinkJob> jobs = reconcilers.fraudJobs();
      Map<String, Integer> oneObservation = counting.calls();
      observer.poll();
      Observation read = observer.current();

      System.out.println(
          "Flink REST calls of one observation: " + counting.total() + " " + counting.calls());
      assertThat(counting.calls()).isEqualTo(oneObservation);
      assertThat(oneObservation)
          .containsEntry("GET /jobs/overview", 1)
          .containsEntry("GET /jobs/:id", 1)
          .containsEntry("GET /jobs/:id/checkpoints", 1)
          .containsEntry("GET /jobs/:id/config", 1)
          .containsEntry("GET /jobs/:id/metrics", 1);
      assertThat(read.flinkJobs()).isEqualTo(jobs);
      FlinkJob running = jobs.stream().filter(FlinkJob::isActive).findFirst().orElseThrow();
      assertThat(read.activeJob())
          .hasValueSatisfying(
              job -> {
                assertThat(job.jobId()).isEqualTo(running.jobId()).isEqualTo(JOB);
                assertThat(job.state()).isEqualTo(running.state());
                assertThat(job.parallelism()).isEqualTo(running.parallelism());
                assertThat(job.jarSha256()).isEqualTo(running.jarSha256());
                assertThat(job.checkpoints().lastCompleted()).isNotNull();
              });
    }
  }

  /**
   * The type the reconciler catches as a failed step, and {@link TestingFlinkService} throws: a
   * stop whose savepoint has no outcome by the timeout fails as a savepoint failure.
   */
  @Test
  @Order(7)
  void aStopWithSavepointWithoutAnOutcomeInTimeFailsAsASavepointFailure() throws Exception {
    String stopped = "0000000000000000000000000000beef";
    service.submit(
        new JobSubmission(stopped, 1, DeliveryGuarantee.AT_LEAST_ONCE, null, false, null));
    await()
        .atMost(LONG)
        .until(() -> find(stopped).map(j -> Boolean.TRUE.equals(j.tasksRunning())).orElse(false));
    // The service as the application wires it, over a client that tells the stop's trigger id.
    try (StopRecordingClient client = new StopRecordingClient(flink.restUrl())) {
      FlinkService stopping = over(client);

      assertThatThrownBy(() -> stopping.stopWithSavepoint(stopped, false, Duration.ofMillis(1)))
          .isInstanceOf(SavepointAwaiter.SavepointFailedException.class)
          .hasMessageContaining("No savepoint outcome");
      // Flink took the request all the same: the job stops, as the next observation shows.
      await()
          .atMost(LONG)
          .untilAsserted(() -> assertThat(find(stopped).orElseThrow().isActive()).isFalse());
      // And it wrote the savepoint. Read here, the outcome no longer holds up the cluster's close:
      // Flink's REST endpoint waits for every unread outcome (up to rest.async.store-duration, 5
      // min), which left this class's LocalFlink.close() waiting out its whole 60 s.
      JobID stoppedId = JobID.fromHexString(stopped);
      SavepointStatus outcome =
          await()
              .atMost(LONG)
              .until(
                  () -> client.savepointStatus(stoppedId, client.stopTrigger()),
                  SavepointStatus::completed);
      assertThat(outcome.failure()).isNull();
      assertThat(outcome.location()).isNotBlank();
    }
  }

  /**
   * A hand-over during a deployment (probe 6, P6-9): leader cp-b recorded the job it deploys and
   * lost the leadership while its run request was still under way; cp-c observed Flink before that
   * request landed and submitted after. cp-c submits the recorded job again under its JobID, Flink
   * refuses the second submission of that JobID ({@link DuplicateJobException}, as in {@link
   * #refusesARepeatedSubmissionAsADuplicate}), and cp-c keeps the job cp-b started: one fraud job.
   */
  @Test
  @Order(8)
  void aSuccessorsRepeatOfARecordedSubmissionIsRefusedByFlinkAndTheJobThatLandedIsKept()
      throws Exception {
    String shipped = control.bean(JobJars.class).shippedSha256();
    DesiredState desired = ReplicaReconciler.running("pipeline-handover", 1);
    InFlightSubmissions inFlight = new InFlightSubmissions(service);
    ReplicaReconciler cpB = new ReplicaReconciler("cp-b", inFlight, shipped);
    cpB.step(desired, cpB.observe(), PipelineStatus.initial());
    cpB.leadership.leader = false;
    PipelineStatus recorded = cpB.lastIntent();
    ReplicaReconciler cpC = new ReplicaReconciler("cp-c", service, shipped);
    ObservedPipeline beforeItLanded = cpC.observe();
    assertThat(beforeItLanded.activeJobs()).isEmpty();
    inFlight.land();

    PipelineStatus status = cpC.step(desired, beforeItLanded, recorded);

    assertThat(status.lastStep().message())
        .isEqualTo("Job " + recorded.jobId() + " was already submitted");
    assertThat(cpC.events.reasons()).containsExactly("JobAdopted");
    status = cpC.step(desired, cpC.observe(), status);
    assertThat(status.jobId()).isEqualTo(recorded.jobId());
    assertThat(service.fraudJobs().stream().filter(FlinkJob::isActive).map(FlinkJob::jobId))
        .containsExactly(recorded.jobId());
    service.cancel(recorded.jobId(), LONG);
  }

  /**
   * Probe 7 (P7-4): a job gone while the desired state names another jar comes back once, on that
   * jar, from its retained checkpoint, as an upgrade awaiting readiness (before: on its own jar
   * first, upgraded a few seconds later). A job cancelled outside stands for the lost one here: the
   * embedded cluster's JobManager cannot be killed alone, and the reconciler's step is the same.
   */
  @Test
  @Order(9)
  void aJobGoneWhileTheDesiredStateNamesAnotherJarComesBackOnceOnThatJar(@TempDir Path builds)
      throws Exception {
    String shipped = control.bean(JobJars.class).shippedSha256();
    Path build = TestJobJars.anotherBuild(builds, "lost-upgrade");
    String other = sha256(build);
    Files.copy(build, jarStore.resolve("fraud-job-" + other.substring(0, 16) + ".jar"));
    assertThat(control.bean(JobJars.class).contains(other)).isTrue();
    ReplicaReconciler cp = new ReplicaReconciler("cp-lost", service, shipped);
    DesiredState desired = ReplicaReconciler.running("pipeline-lost-upgrade", 1);
    PipelineStatus status = cp.step(desired, cp.observe(), PipelineStatus.initial());
    String old = status.jobId();
    await()
        .atMost(LONG)
        .untilAsserted(() -> assertThat(find(old).orElseThrow().lastCheckpoint()).isNotNull());
    status = cp.step(desired, cp.observe(), status);
    service.cancel(old, LONG);
    String retained =
        new CheckpointStorage().newest(status.checkpointDirectory(), old).orElseThrow().path();
    DesiredState upgrade = ReplicaReconciler.onJar(desired, other);

    status = cp.step(upgrade, cp.observe(), status);

    String upgraded = status.jobId();
    assertThat(upgraded).isNotEqualTo(old);
    assertThat(status.lastState().path()).isEqualTo(retained);
    assertThat(status.upgrade().fromJar()).isEqualTo(shipped);
    assertThat(status.upgrade().toJobId()).isEqualTo(upgraded);
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              FlinkJob job = find(upgraded).orElseThrow();
              assertThat(job.jarSha256()).isEqualTo(other);
              assertThat(job.lastCheckpoint()).isNotNull();
            });
    status = cp.step(upgrade, cp.observe(), status);
    assertThat(status.upgrade().phase().name()).isEqualTo("SUCCEEDED");
    assertThat(service.fraudJobs().stream().filter(FlinkJob::isActive).map(FlinkJob::jobId))
        .containsExactly(upgraded);
    assertThat(cp.events.reasons())
        .containsSubsequence("UpgradeStarted", "JobRestoredFromLastState", "UpgradeSucceeded")
        .doesNotContain("JobReplaced");
    service.cancel(upgraded, LONG);
  }

  /**
   * Probe 11 (P11-2): Flink completed the stop's savepoint and said so, then its JobManager was
   * replaced (no HA) before the job's end was read, and the new one answers 404 for the job. The
   * stop's outcome is that savepoint, told in {@link StoppedJobUnknownException}, as {@link
   * TestingFlinkService} throws it. The embedded cluster's JobManager cannot be killed alone: once
   * the stop is sent, the client asks Flink about a JobID it never had in place of the stopped
   * job's, so the 404 is Flink's own.
   */
  @Test
  @Order(10)
  void aStopWhoseSavepointCompletedBeforeFlinkLostTheJobTellsThatSavepoint() throws Exception {
    String stopped = "0000000000000000000000000000a404";
    service.submit(
        new JobSubmission(stopped, 1, DeliveryGuarantee.AT_LEAST_ONCE, null, false, null));
    await()
        .atMost(LONG)
        .until(() -> find(stopped).map(j -> Boolean.TRUE.equals(j.tasksRunning())).orElse(false));
    try (JobLosingClient client = new JobLosingClient(flink.restUrl())) {
      FlinkService stopping = over(client);

      StoppedJobUnknownException lost =
          catchThrowableOfType(
              StoppedJobUnknownException.class,
              () -> stopping.stopWithSavepoint(stopped, false, LONG));

      assertThat(lost).isNotNull();
      assertThat(lost.savepointPath()).contains("savepoint-" + stopped.substring(0, 6));
      // The savepoint Flink reports for the job once its statistics caught up: the stop's.
      await()
          .atMost(LONG)
          .untilAsserted(
              () ->
                  assertThat(service.lastSavepoint(stopped))
                      .hasValueSatisfying(
                          sp -> assertThat(sp.path()).isEqualTo(lost.savepointPath())));
    }
    assertThat(find(stopped).orElseThrow().state()).isEqualTo("FINISHED");
  }

  /** The real client, answering for the job of a stop it sent as a JobManager that lost it. */
  private static final class JobLosingClient extends FlinkRestClient {
    private static final JobID NEVER_KNOWN =
        JobID.fromHexString("0000000000000000000000000000dead");
    private volatile boolean stopSent;

    JobLosingClient(String restUrl) {
      super(URI.create(restUrl), Duration.ofSeconds(10), LONG);
    }

    @Override
    public void stopWithSavepoint(
        JobID jobId, String directory, boolean drain, TriggerId triggerId) {
      super.stopWithSavepoint(jobId, directory, drain, triggerId);
      stopSent = true;
    }

    @Override
    public org.apache.flink.runtime.rest.messages.job.JobDetailsInfo jobDetails(JobID jobId) {
      return super.jobDetails(stopSent ? NEVER_KNOWN : jobId);
    }
  }

  /** The service as the application wires it, over {@code client}. */
  private static FlinkService over(FlinkRestClient client) {
    return new RestFlinkService(
        client,
        new FraudJobObserver(client, "fraud-detection", Duration.ofMinutes(1), Clock.systemUTC()),
        null,
        null,
        null,
        new SavepointAwaiter(client),
        control.bean(SavepointProperties.class));
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** The real client, keeping the trigger id of the last stop with a savepoint it sent. */
  private static final class StopRecordingClient extends FlinkRestClient {
    private volatile TriggerId stopTrigger;

    StopRecordingClient(String restUrl) {
      super(URI.create(restUrl), Duration.ofSeconds(10), LONG);
    }

    @Override
    public void stopWithSavepoint(
        JobID jobId, String directory, boolean drain, TriggerId triggerId) {
      stopTrigger = triggerId;
      super.stopWithSavepoint(jobId, directory, drain, triggerId);
    }

    TriggerId stopTrigger() {
      return stopTrigger;
    }
  }

  private static Optional<FlinkJob> find(String jobId) {
    return service.fraudJobs().stream().filter(j -> j.jobId().equals(jobId)).findFirst();
  }
}
