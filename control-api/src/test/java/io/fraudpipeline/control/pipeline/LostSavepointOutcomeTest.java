package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.PipelineTopics;
import io.fraudpipeline.control.support.Ports;
import io.fraudpipeline.control.support.TcpProxy;
import io.fraudpipeline.control.support.Traffic;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.SavepointStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A JobManager (no HA) lost right after a stop with savepoint completed, before the control plane
 * read the outcome (probe 7 P7-0): Flink's Kafka sink had committed the alerts that savepoint
 * closed, and a fresh JobManager knows neither the trigger nor the job. Reproduced on real parts:
 * the control plane reaches Flink through a relay that is cut while the job is stopped with a
 * savepoint directly on Flink, and the cluster is replaced before the relay is restored, so the
 * control plane never sees the savepoint's outcome nor the finished job. The pipeline must resume
 * from that savepoint, not from the job's older checkpoint, and every alert stay exactly-once
 * (read_committed).
 */
class LostSavepointOutcomeTest {

  private static final Duration LONG = Duration.ofMinutes(2);

  @TempDir static Path flinkData;

  static LocalKafka kafka;
  static LocalFlink flink;
  static int flinkPort;
  static TcpProxy relay;
  static ControlPlane control;
  static ControlApiClient api;
  static Traffic traffic;
  static final List<String> expectedAlerts = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startPipeline() {
    kafka = LocalKafka.start();
    PipelineTopics.create(kafka);
    flink = startFlink();
    relay = TcpProxy.to(flinkPort);
    control =
        ControlPlane.start(
            "http://localhost:" + relay.port(),
            kafka.bootstrapServers(),
            Map.of(
                "fraud.reconciler.interval", "500ms",
                // Alerts after a checkpoint stay uncommitted this long: the stop commits them.
                "fraud.job.checkpoint-interval", "2s"));
    api = control.api();
    traffic = new Traffic(kafka.bootstrapServers());
  }

  /**
   * A session cluster on the same data directory, as a JobManager started again. On a new port,
   * which the relay then leads to: the old one, freed, may have been taken meanwhile by another
   * process on a busy machine (seen once: BindException).
   */
  private static LocalFlink startFlink() {
    flinkPort = Ports.free();
    if (relay != null) {
      relay.retarget(flinkPort);
    }
    return LocalFlink.start(new LocalFlink.Options(flinkPort, 1, 4, flinkData, Map.of()));
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    Closing.inOrder(traffic, control, relay, flink, kafka);
  }

  @Test
  void resumesFromAStopSavepointWhoseOutcomeWasLostWithTheJobManager() throws Exception {
    RunningJob running = runningWithAlertsAfterACheckpoint("before-stop");
    String before = running.jobId();
    String checkpoint = running.checkpoint();
    relay.cut();
    String savepoint;
    try (FlinkRestClient direct =
        new FlinkRestClient(
            URI.create(flink.restUrl()), Duration.ofSeconds(10), Duration.ofMinutes(1))) {
      savepoint = stopWithSavepoint(direct, before);
    }
    replaceJobManager(running, "while-lost");

    String after = awaitRunningJob(before);
    assertThat(after).isNotEqualTo(before);
    String name = Path.of(URI.create(savepoint)).getFileName().toString();
    // Events and the savepoint history are read from their topics: they follow the deployment.
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(events(EventReason.JOB_RESTORED_FROM_LAST_STATE))
                    .as("restored from the savepoint, not from checkpoint %s", checkpoint)
                    .anySatisfy(
                        e ->
                            assertThat(e.path("message").asString())
                                .contains("from savepoint")
                                .contains(name)));
    JsonNode recorded =
        await()
            .atMost(LONG)
            .until(
                () ->
                    StreamSupport.stream(
                            api.get("/api/v1/savepoints").body().path("savepoints").spliterator(),
                            false)
                        .filter(s -> s.path("path").asString().endsWith(name))
                        .findFirst()
                        .orElse(null),
                Objects::nonNull);
    assertThat(recorded.path("job_id").asString()).isEqualTo(before);
    assertThat(recorded.path("kind").asString()).isEqualTo("STOP");

    expectedAlerts.addAll(traffic.send("resumed", 20, 4));
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }

  /**
   * The same loss with the control plane's own stop: a rescale, whose stop-with-savepoint request
   * reaches Flink while its answer and every later one are cut off, until a fresh JobManager
   * answers that it knows no such trigger. The operation ends as the rescale did, not FAILED.
   */
  @Test
  void aRescaleWhoseStopOutcomeWasLostWithTheJobManagerCompletesFromTheSavepointItTook()
      throws Exception {
    RunningJob running = runningWithAlertsAfterACheckpoint("before-rescale");
    String before = running.jobId();
    int parallelism = status().path("job_parallelism").asInt(1) == 1 ? 2 : 1;

    CompletableFuture<String> cut = relay.cutOnAnswerTo("/jobs/" + before + "/stop");
    Response rescale =
        api.post("/api/v1/jobs/" + before + "/rescale", "{\"parallelism\": " + parallelism + "}");
    assertThat(rescale.status()).as(rescale.toString()).isEqualTo(202);
    String operation = rescale.body().path("id").asString();
    TriggerId trigger = triggerIdOf(cut.get(LONG.toSeconds(), TimeUnit.SECONDS));
    String savepoint;
    try (FlinkRestClient direct =
        new FlinkRestClient(
            URI.create(flink.restUrl()), Duration.ofSeconds(10), Duration.ofMinutes(1))) {
      savepoint = awaitStopSavepoint(direct, before);
      // Flink's outcome of the control plane's own stop, under its trigger, names that savepoint.
      // Read here, it lets the JobManager close at once: Flink's REST server keeps an unread
      // outcome for a reader and held its close for it until LocalFlink gave up (60 s).
      SavepointStatus outcome =
          await()
              .atMost(LONG)
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> direct.savepointStatus(JobID.fromHexString(before), trigger),
                  SavepointStatus::completed);
      assertThat(outcome.location()).as(outcome.toString()).isEqualTo(savepoint);
    }
    replaceJobManager(running, "while-lost-rescale");

    JsonNode ended =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> api.get("/api/v1/operations/" + operation).body(),
                op -> !"IN_PROGRESS".equals(op.path("state").asString()));
    assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.path("savepoint_path").asString()).isEqualTo(savepoint);
    String after = ended.path("new_job_id").asString();
    assertThat(after).isNotEqualTo(before).isEqualTo(awaitRunningJob(before));
    assertThat(api.get("/api/v1/pipeline").body().path("observed").path("parallelism").asInt())
        .isEqualTo(parallelism);
    JsonNode recorded =
        await()
            .atMost(LONG)
            .until(
                () ->
                    StreamSupport.stream(
                            api.get("/api/v1/savepoints").body().path("savepoints").spliterator(),
                            false)
                        .filter(s -> s.path("path").asString().equals(savepoint))
                        .findFirst()
                        .orElse(null),
                Objects::nonNull);
    assertThat(recorded.path("kind").asString()).isEqualTo("RESCALE");

    expectedAlerts.addAll(traffic.send("rescaled", 20, 4));
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }

  /** The trigger id of a stop-with-savepoint request (its JSON body's {@code triggerId}). */
  private static TriggerId triggerIdOf(String request) {
    Matcher trigger = Pattern.compile("\"triggerId\"\\s*:\\s*\"([0-9a-f]{32})\"").matcher(request);
    assertThat(trigger.find()).as("a trigger id in %s", request).isTrue();
    return TriggerId.fromHexString(trigger.group(1));
  }

  /** A running job and a copy of a checkpoint of it, taken before the alerts it then wrote. */
  private record RunningJob(String jobId, Path keptCopy, String checkpoint) {}

  /**
   * Declares the pipeline running, keeps a copy of a new checkpoint of its job, then sends {@code
   * label} transactions and waits for their alerts: processed after that checkpoint, committed by a
   * later one or by a stop's savepoint.
   */
  private static RunningJob runningWithAlertsAfterACheckpoint(String label) throws IOException {
    declareRunning();
    String jobId = awaitRunningJob(null);
    Path kept = Files.createTempDirectory(flinkData, "kept-");
    String checkpoint = keepNewCheckpointOf(jobId, kept);
    List<String> sent = traffic.send(label, 40, 4);
    expectedAlerts.addAll(sent);
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(traffic.writtenAlerts())
                    .extracting(a -> a.transaction().transactionId())
                    .containsAll(sent));
    return new RunningJob(jobId, kept, checkpoint);
  }

  /**
   * Replaces the JobManager by a fresh one on the same data directory while {@code label}
   * transactions are sent, then leads the control plane to it through the relay.
   */
  private static void replaceJobManager(RunningJob lost, String label) throws IOException {
    flink.close();
    // The probe's JobManager died before it discarded the finished job's checkpoints: the control
    // plane found chk-N beside the savepoint. This one lived to discard them; put chk-N back.
    putBack(lost.keptCopy(), lost.checkpoint());
    flink = startFlink();
    expectedAlerts.addAll(traffic.send(label, 20, 4));
    relay.open();
  }

  /** Waits until the job has FINISHED with a savepoint, as Flink reports it; returns its path. */
  private static String awaitStopSavepoint(FlinkRestClient direct, String jobId) {
    JobID job = JobID.fromHexString(jobId);
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              boolean finished =
                  direct.jobsOverview().stream()
                      .anyMatch(
                          j ->
                              j.getJobId().equals(job)
                                  && j.getStatus()
                                      == org.apache.flink.api.common.JobStatus.FINISHED);
              var latest = direct.checkpointStatistics(job).getLatestCheckpoints();
              var savepoint = latest == null ? null : latest.getSavepointStatistics();
              return finished && savepoint != null ? savepoint.getExternalPath() : null;
            },
            Objects::nonNull);
  }

  private static void declareRunning() {
    JsonNode desired = api.get("/api/v1/pipeline").body().path("desired");
    if (!desired.isMissingNode() && !desired.isNull()) {
      return;
    }
    Response put =
        api.put(
            "/api/v1/pipeline",
            "{\"state\": \"running\", \"parallelism\": 1}",
            Map.of("If-Match", "\"0\""));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
  }

  /**
   * Waits for a checkpoint of the job newer than the one the status names now and copies its files
   * while it is the newest (a newer one deletes it).
   */
  private static String keepNewCheckpointOf(String jobId, Path copy) {
    AtomicReference<String> known =
        new AtomicReference<>(status().path("last_state").path("path").asString());
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode state = status().path("last_state");
              String path = state.path("path").asString();
              if (!jobId.equals(state.path("job_id").asString()) || path.equals(known.get())) {
                return null;
              }
              try {
                copyTree(Path.of(URI.create(path)), copy);
                return path;
              } catch (IOException subsumed) {
                known.set(path);
                return null;
              }
            },
            path -> path != null);
  }

  private static void putBack(Path kept, String checkpoint) throws IOException {
    Path original = Path.of(URI.create(checkpoint));
    if (!Files.exists(original.resolve("_metadata"))) {
      copyTree(kept, original);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          // With its write time: a checkpoint written now would be newer than the savepoint.
          Files.copy(
              file,
              target,
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Stops the job with a savepoint in Flink's default directory, as an operator would. */
  private static String stopWithSavepoint(FlinkRestClient direct, String jobId) {
    JobID job = JobID.fromHexString(jobId);
    TriggerId trigger = new TriggerId();
    direct.stopWithSavepoint(job, null, false, trigger);
    SavepointStatus done =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> direct.savepointStatus(job, trigger), SavepointStatus::completed);
    assertThat(done.succeeded()).as(done.toString()).isTrue();
    return done.location();
  }

  private static List<JsonNode> events(String reason) {
    List<JsonNode> found = new ArrayList<>();
    api.get("/api/v1/events?limit=200&reason=" + reason).body().path("events").forEach(found::add);
    return found;
  }

  private static JsonNode status() {
    return api.get("/api/v1/pipeline").body().path("status");
  }

  /** Waits until a job other than {@code previous} runs. */
  private static String awaitRunningJob(String previous) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> api.get("/api/v1/pipeline").body().path("observed"),
            o ->
                "RUNNING".equals(o.path("state").asString())
                    && !o.path("job_id").asString().equals(String.valueOf(previous)))
        .path("job_id")
        .asString();
  }
}
