package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.PipelineTopics;
import io.fraudpipeline.control.support.Ports;
import io.fraudpipeline.control.support.SteadyLoad;
import io.fraudpipeline.control.support.Traffic;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The reconciler on real parts: a KRaft broker, a Flink session cluster that is really lost and
 * replaced, the real fraud-job jar. No API call brings the job back; every alert is counted
 * (read_committed) against the transactions sent, under a steady load during each fault.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineRecoveryTest {

  private static final Duration LONG = Duration.ofMinutes(3);

  /**
   * Shorter than any stop with savepoint here (the last test needs one to outlast it; a savepoint
   * of this job took 0.9 s on an idle machine, which a timeout of 1 s did not leave room for).
   */
  private static final Duration AWAIT_TIMEOUT = Duration.ofMillis(100);

  @TempDir static Path flinkData;

  static LocalKafka kafka;
  static LocalFlink flink;
  static int flinkPort;
  static ControlPlane control;
  static ControlApiClient api;
  static Traffic traffic;
  static final List<String> expectedAlerts = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startPipeline() {
    kafka = LocalKafka.start();
    PipelineTopics.create(kafka);
    flinkPort = Ports.free();
    flink = startFlink();
    control =
        ControlPlane.start(
            flink.restUrl(),
            kafka.bootstrapServers(),
            Map.of(
                "fraud.reconciler.interval", "500ms",
                "fraud.reconciler.restart-budget.initial-backoff", "1s",
                "fraud.reconciler.await-timeout", AWAIT_TIMEOUT.toMillis() + "ms"));
    api = control.api();
    traffic = new Traffic(kafka.bootstrapServers());
  }

  /**
   * A session cluster on a fixed port and data directory, as a JobManager restarted on the same
   * checkpoint storage; Flink gives up on a failure at once (no restart strategy), so a failed task
   * leaves the job FAILED for the reconciler.
   */
  private static LocalFlink startFlink() {
    return LocalFlink.start(
        new LocalFlink.Options(
            flinkPort, 1, 4, flinkData, Map.of("restart-strategy.type", "none")));
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    Closing.inOrder(traffic, control, flink, kafka);
  }

  @Test
  @Order(1)
  void runsTheJobTheDesiredStateDeclares() {
    Response before = api.get("/api/v1/pipeline");
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.header("ETag")).hasValue("\"0\"");

    Response put =
        api.put(
            "/api/v1/pipeline",
            "{\"state\": \"running\", \"parallelism\": 1}",
            Map.of("If-Match", "\"0\""));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.body().path("version").asLong()).isEqualTo(1);

    String jobId = awaitRunningJob(null);
    expectedAlerts.addAll(traffic.send("declared", 40, 4));
    awaitEveryExpectedAlertExactlyOnce();
    JsonNode pipeline = api.get("/api/v1/pipeline").body();
    assertThat(pipeline.path("in_sync").asBoolean()).isTrue();
    assertThat(pipeline.path("status").path("job_id").asString()).isEqualTo(jobId);
  }

  @Test
  @Order(2)
  void restoresTheJobAfterTheFlinkClusterIsLostUnderLoad() throws Exception {
    String before = runningJobId();
    awaitCheckpointRecorded();
    SteadyLoad load = new SteadyLoad(traffic, expectedAlerts, "cluster-lost");
    load.runFor(Duration.ofSeconds(2));
    flink.close();
    // Whether the job runs is unknown while Flink is away: a deploy is told so at once (it waited
    // out fraud.reconciler.await-timeout for a job it could not see, then answered 503).
    Response deploy =
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> api.post("/api/v1/jobs", "{}"));
    assertThat(deploy.status()).as(deploy.toString()).isEqualTo(503);
    assertThat(deploy.body().path("type").asString()).endsWith("flink-unavailable");
    assertThat(deploy.body().path("detail").asString()).contains("state is unknown");
    load.runFor(Duration.ofSeconds(3));
    flink = startFlink();
    String after = awaitRunningJob(before);
    assertThat(after).isNotEqualTo(before);
    load.runFor(Duration.ofSeconds(3));
    awaitEveryExpectedAlertExactlyOnce();
    // A restored job slow to its first checkpoint is reported unhealthy for a pass or two.
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(status().path("last_step").path("action").asString())
                    .isIn("restore", "none"));
    JsonNode job = api.get("/api/v1/jobs/" + runningJobId()).body();
    assertThat(job.path("checkpoints").path("restored").asLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(3)
  void restartsAFailedJobFromItsCheckpoint() throws Exception {
    String before = runningJobId();
    awaitCheckpointRecorded();
    SteadyLoad load = new SteadyLoad(traffic, expectedAlerts, "job-failed");
    load.runFor(Duration.ofSeconds(2));
    // The only TaskManager dies; with no restart strategy Flink gives up: FAILED.
    flink.miniCluster().terminateTaskManager(0).get();
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(api.get("/api/v1/jobs/" + before).body().path("state").asString())
                    .isEqualTo("FAILED"));
    flink.miniCluster().startTaskManager();
    String after = awaitRunningJob(before);
    assertThat(after).isNotEqualTo(before);
    load.runFor(Duration.ofSeconds(3));
    awaitEveryExpectedAlertExactlyOnce();
    assertThat(status().path("failure_restarts").size()).isEqualTo(1);
  }

  @Test
  @Order(4)
  void suspendsWithASavepointAndResumesFromIt() {
    String before = runningJobId();
    String etag = api.get("/api/v1/pipeline").header("ETag").orElseThrow();
    Response suspend =
        api.patch("/api/v1/pipeline", "{\"state\": \"suspended\"}", Map.of("If-Match", etag));
    assertThat(suspend.status()).as(suspend.toString()).isEqualTo(200);
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(api.get("/api/v1/jobs/" + before).body().path("state").asString())
                    .isEqualTo("FINISHED"));
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(api.get("/api/v1/savepoints").body().path("savepoints").size())
                    .isPositive());
    JsonNode savepoint = api.get("/api/v1/savepoints").body().path("savepoints").get(0);
    assertThat(savepoint.path("job_id").asString()).isEqualTo(before);
    assertThat(savepoint.path("kind").asString()).isEqualTo("STOP");
    expectedAlerts.addAll(traffic.send("while-suspended", 20, 4));

    Response resume =
        api.patch(
            "/api/v1/pipeline",
            "{\"state\": \"running\"}",
            Map.of("If-Match", api.get("/api/v1/pipeline").header("ETag").orElseThrow()));
    assertThat(resume.status()).as(resume.toString()).isEqualTo(200);
    awaitRunningJob(before);
    expectedAlerts.addAll(traffic.send("resumed", 20, 4));
    awaitEveryExpectedAlertExactlyOnce();
  }

  @Test
  @Order(5)
  void refusesStaleAndInvalidChangesOfTheDesiredState() {
    Response stale =
        api.patch("/api/v1/pipeline", "{\"parallelism\": 2}", Map.of("If-Match", "\"1\""));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.contentType()).startsWith("application/problem+json");

    Response missing = api.patch("/api/v1/pipeline", "{\"parallelism\": 2}", Map.of());
    assertThat(missing.status()).isEqualTo(428);

    String etag = api.get("/api/v1/pipeline").header("ETag").orElseThrow();
    // Wider than Flink's 4 slots: refused before the running job is taken down, as a rescale is.
    String running = runningJobId();
    Response tooWide =
        api.patch("/api/v1/pipeline", "{\"parallelism\": 5}", Map.of("If-Match", etag));
    assertThat(tooWide.status()).as(tooWide.toString()).isEqualTo(409);
    assertThat(tooWide.body().path("detail").asString()).contains("needs 5 free task slots");
    assertThat(tooWide.body().path("slots_total").asInt()).isEqualTo(4);
    assertThat(api.get("/api/v1/pipeline").header("ETag")).hasValue(etag);
    assertThat(runningJobId()).isEqualTo(running);

    // A mistyped savepoint beside the ones Flink wrote (the control plane sees them): refused
    // before the reconciler would take the running job down to restore it.
    String written =
        api.get("/api/v1/savepoints").body().path("savepoints").get(0).path("path").asString();
    String typo = written.substring(0, written.lastIndexOf('/') + 1) + "savepoint-typo";
    Response missingSavepoint =
        api.patch(
            "/api/v1/pipeline",
            "{\"restore_savepoint_path\": \"" + typo + "\"}",
            Map.of("If-Match", etag));
    assertThat(missingSavepoint.status()).as(missingSavepoint.toString()).isEqualTo(400);
    assertThat(missingSavepoint.body().path("errors").findValuesAsString("field"))
        .containsExactly("restore_savepoint_path");
    assertThat(runningJobId()).isEqualTo(running);

    Response invalid =
        api.patch(
            "/api/v1/pipeline",
            "{\"parallelism\": 0, \"state\": \"paused\", \"colour\": 1}",
            Map.of("If-Match", etag));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.body().path("errors").findValuesAsString("field"))
        .containsExactlyInAnyOrder("parallelism", "state", "colour");

    JsonNode history = api.get("/api/v1/pipeline/history").body().path("versions");
    assertThat(history.get(0).path("spec").path("state").asString()).isEqualTo("running");
    assertThat(history.get(1).path("spec").path("state").asString()).isEqualTo("suspended");

    // RFC 7396: null removes a member; the merged document is then read as a PUT's, so the member
    // takes its default instead of keeping its value.
    Response stateless =
        api.patch(
            "/api/v1/pipeline",
            "{\"upgrade_mode\": \"stateless\"}",
            Map.of("If-Match", api.get("/api/v1/pipeline").header("ETag").orElseThrow()));
    assertThat(stateless.status()).as(stateless.toString()).isEqualTo(200);
    assertThat(stateless.body().path("spec").path("upgrade_mode").asString())
        .isEqualTo("stateless");
    Response removed =
        api.patch(
            "/api/v1/pipeline",
            "{\"upgrade_mode\": null}",
            Map.of("If-Match", stateless.header("ETag").orElseThrow()));
    assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
    assertThat(removed.body().path("spec").path("upgrade_mode").asString()).isEqualTo("savepoint");
    assertThat(removed.body().path("version").asLong())
        .isEqualTo(stateless.body().path("version").asLong() + 1);
  }

  @Test
  @Order(6)
  void clearingARestorePathFlinkCannotReadBringsBackTheStateBeforeIt() {
    String before = runningJobId();
    awaitCheckpointRecorded();
    expectedAlerts.addAll(traffic.send("before-unreadable-restore", 20, 4));
    awaitEveryExpectedAlertExactlyOnce();
    // Not beside a state Flink wrote, so the control plane cannot tell it is none: accepted, the
    // running job is replaced, and Flink fails the restore as the new job starts.
    String unreadable = flinkData.resolve("elsewhere").resolve("savepoint-0").toUri().toString();
    Response restore =
        api.patch(
            "/api/v1/pipeline",
            "{\"restore_savepoint_path\": \"" + unreadable + "\"}",
            Map.of("If-Match", api.get("/api/v1/pipeline").header("ETag").orElseThrow()));
    assertThat(restore.status()).as(restore.toString()).isEqualTo(200);
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              String job = status().path("job_id").asString();
              assertThat(job).isNotEqualTo(before);
              assertThat(api.get("/api/v1/jobs/" + job).body().path("state").asString())
                  .isEqualTo("FAILED");
            });
    assertThat(status().path("replaced_state").path("job_id").asString()).isEqualTo(before);
    expectedAlerts.addAll(traffic.send("during-unreadable-restore", 20, 4));

    Response cleared =
        api.patch(
            "/api/v1/pipeline",
            "{\"restore_savepoint_path\": null}",
            Map.of("If-Match", api.get("/api/v1/pipeline").header("ETag").orElseThrow()));
    assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);

    String after = awaitRunningJob(before);
    assertThat(status().path("recent_steps").findValuesAsString("action"))
        .contains("withdraw-restore");
    assertThat(
            api.get("/api/v1/jobs/" + after).body().path("checkpoints").path("restored").asLong())
        .as("restored from the replaced job's checkpoint")
        .isEqualTo(1);
    expectedAlerts.addAll(traffic.send("after-withdrawn-restore", 20, 4));
    awaitEveryExpectedAlertExactlyOnce();
  }

  @Test
  @Order(7)
  void aStopOperationWaitsOutASavepointLongerThanTheAwaitTimeout() {
    // The operation waits for the reconciler's stop as long as its deadline says (the await
    // timeout plus the savepoint timeout): a large state's savepoint outlasts the first.
    String jobId = runningJobId();
    Response accepted = api.post("/api/v1/jobs/" + jobId + "/stop", "{}");
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    String operation = "/api/v1/operations/" + accepted.body().path("id").asString();
    await()
        .atMost(LONG)
        .until(() -> !api.get(operation).body().path("state").asString().equals("IN_PROGRESS"));
    JsonNode stopped = api.get(operation).body();
    assertThat(stopped.path("state").asString()).as(stopped.toString()).isEqualTo("COMPLETED");
    assertThat(stopped.path("savepoint_path").asString()).isNotBlank();
    assertThat(
            Duration.between(
                Instant.parse(stopped.path("created_at").asString()),
                Instant.parse(stopped.path("completed_at").asString())))
        .as("the stop took longer than the await timeout, or this proves nothing")
        .isGreaterThan(AWAIT_TIMEOUT);
  }

  // Helpers.

  private static String runningJobId() {
    return api.get("/api/v1/pipeline").body().path("observed").path("job_id").asString();
  }

  /** Waits until a job other than {@code previous} runs, with no API call but reads. */
  private static String awaitRunningJob(String previous) {
    AtomicBoolean seen = new AtomicBoolean();
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              JsonNode observed = api.get("/api/v1/pipeline").body().path("observed");
              assertThat(observed.path("state").asString()).isEqualTo("RUNNING");
              assertThat(observed.path("job_id").asString()).isNotEqualTo(previous);
              seen.set(true);
            });
    return runningJobId();
  }

  private static void awaitCheckpointRecorded() {
    String job = runningJobId();
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> assertThat(status().path("last_state").path("job_id").asString()).isEqualTo(job));
  }

  /** The reconciler's status, as {@code GET /api/v1/pipeline} shows it. */
  private static JsonNode status() {
    return api.get("/api/v1/pipeline").body().path("status");
  }

  private static void awaitEveryExpectedAlertExactlyOnce() {
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }
}
