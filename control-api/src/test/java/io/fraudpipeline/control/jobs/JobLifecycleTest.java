package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.PipelineTopics;
import io.fraudpipeline.control.support.Traffic;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.flink.FlinkRestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The fraud job's whole lifecycle through the API, against a real Flink session cluster (REST API,
 * jar upload) and a real KRaft broker, with the real shaded fraud-job jar. The steps build on each
 * other: one cluster, one job history.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobLifecycleTest {

  private static final Duration LONG = Duration.ofMinutes(2);

  static LocalKafka kafka;
  static LocalFlink flink;
  static ControlPlane control;
  static ControlApiClient api;
  static Traffic traffic;

  /** Transactions that must each raise exactly one committed alert. */
  static final List<String> expectedAlerts = new ArrayList<>();

  static String jobId;
  static String stopSavepoint;
  static String stopOperation;

  @BeforeAll
  static void startPipeline() {
    kafka = LocalKafka.start();
    PipelineTopics.create(kafka);
    // Flink's REST API refreshes metrics every 10 s by default; the rules gauge is read through it.
    flink =
        LocalFlink.start(
            new LocalFlink.Options(
                0, 1, 4, null, Map.of("metrics.fetcher.update-interval", "1000")));
    control = ControlPlane.start(flink.restUrl(), kafka.bootstrapServers(), Map.of());
    api = control.api();
    traffic = new Traffic(kafka.bootstrapServers());
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    Closing.inOrder(traffic, control, flink, kafka);
  }

  @Test
  @Order(1)
  void concurrentDeploysRunExactlyOneJobAndAlertsFlow() {
    String body = "{\"parallelism\": 1, \"delivery_guarantee\": \"exactly-once\"}";
    CompletableFuture<Response> first =
        CompletableFuture.supplyAsync(() -> api.post("/api/v1/jobs", body));
    CompletableFuture<Response> second =
        CompletableFuture.supplyAsync(() -> api.post("/api/v1/jobs", body));
    List<Response> answers = List.of(first.join(), second.join());

    Response created =
        answers.stream()
            .filter(r -> r.status() == 201)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no deploy succeeded: " + answers));
    Response refused =
        answers.stream()
            .filter(r -> r.status() == 409)
            .findFirst()
            .orElseThrow(() -> new AssertionError("both deploys succeeded: " + answers));
    jobId = created.body().path("job_id").asString();
    assertThat(created.header("Location")).hasValue("/api/v1/jobs/" + jobId);
    // Both requests made sure the jar was on Flink; it was uploaded once.
    assertThat(control.bean(io.fraudpipeline.flink.FlinkRestClient.class).listJars().jarFileList)
        .singleElement()
        .satisfies(jar -> assertThat(jar.id).isEqualTo(created.body().path("jar_id").asString()));
    assertThat(created.body().path("jar_sha256").asString()).hasSize(64);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body().path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/conflict");
    assertThat(refused.body().path("running_job_id").asString()).isEqualTo(jobId);

    awaitJobState(jobId, "RUNNING");
    long activeOnFlink =
        control.bean(io.fraudpipeline.flink.FlinkRestClient.class).jobsOverview().stream()
            .filter(j -> !j.getStatus().isGloballyTerminalState())
            .count();
    assertThat(activeOnFlink).isEqualTo(1);

    expectedAlerts.addAll(traffic.send("deploy", 40, 4));
    awaitEveryExpectedAlertExactlyOnce();

    // Read from the job's own gauge through Flink's metrics API: no rule set published, version 0.
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(job(jobId).path("rules_version_applied").isNumber()).isTrue());
    JsonNode running = job(jobId);
    assertThat(running.path("rules_version_applied").asLong()).isZero();
    assertThat(running.path("delivery_guarantee").asString()).isEqualTo("exactly-once");
    assertThat(running.path("parallelism").asInt()).isEqualTo(1);
    assertThat(running.path("uptime").asString()).startsWith("PT");
    // The gauge copies the observation every 250 ms: awaited, not read once.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(api.get("/actuator/prometheus").raw().body())
                    .contains("fraud_job_state{application=\"control-api\",state=\"running\"} 1.0")
                    .contains("fraud_rules_version_applied{application=\"control-api\"} 0.0")
                    .contains("fraud_flink_reachable{application=\"control-api\"} 1.0"));

    JsonNode health = api.get("/actuator/health").body();
    assertThat(health.path("components").path("fraudJob").path("status").asString())
        .isEqualTo("UP");
    assertThat(health.path("components").path("flink").path("status").asString()).isEqualTo("UP");
    assertThat(health.path("components").path("kafka").path("status").asString()).isEqualTo("UP");
  }

  @Test
  @Order(2)
  void triggersASavepointWhileTheJobKeepsRunning() {
    Response accepted = api.post("/api/v1/jobs/" + jobId + "/savepoints", null);
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    JsonNode operation = awaitOperation(accepted);

    assertThat(operation.path("state").asString()).isEqualTo("COMPLETED");
    String path = operation.path("savepoint_path").asString();
    assertThat(path).isNotBlank();
    assertThat(job(jobId).path("state").asString()).isEqualTo("RUNNING");
    JsonNode newest = api.get("/api/v1/savepoints").body().path("savepoints").get(0);
    assertThat(newest.path("path").asString()).isEqualTo(path);
    assertThat(newest.path("kind").asString()).isEqualTo("SAVEPOINT");
    assertThat(newest.path("job_id").asString()).isEqualTo(jobId);

    String metrics = api.get("/actuator/prometheus").raw().body();
    assertThat(metrics)
        .contains(
            "fraud_operations_seconds_count{application=\"control-api\",kind=\"savepoint\","
                + "outcome=\"completed\"} 1")
        .containsPattern("fraud_job_checkpoints_completed\\{application=\"control-api\"} [1-9]")
        .contains("fraud_job_checkpoint_last_duration_seconds{")
        .contains("fraud_job_checkpoint_last_age_seconds{")
        // The job holds state (source offsets, the rule set): never an empty checkpoint.
        .containsPattern(
            "fraud_job_checkpoint_last_size_bytes\\{application=\"control-api\"} [1-9]")
        .contains("fraud_job_uptime_seconds{")
        .contains("fraud_job_restarts{application=\"control-api\"} 0.0");
  }

  @Test
  @Order(3)
  void stopsWithSavepointAndResumesFromItWithoutLoss() {
    Response accepted = api.post("/api/v1/jobs/" + jobId + "/stop", "{\"drain\": false}");
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    stopOperation = accepted.header("Location").orElseThrow();
    JsonNode operation = awaitOperation(accepted);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("COMPLETED");
    stopSavepoint = operation.path("savepoint_path").asString();
    assertThat(stopSavepoint).isNotBlank();
    assertThat(job(jobId).path("state").asString()).isEqualTo("FINISHED");
    // Stopped on purpose: not "deploy it", and the service stays healthy (200).
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Response health = api.get("/actuator/health");
              assertThat(health.status()).isEqualTo(200);
              assertThat(
                      health.body().path("components").path("fraudJob").path("status").asString())
                  .isEqualTo("SUSPENDED");
            });

    // Written while no job runs: the resumed job must pick them up from the savepoint's offsets.
    expectedAlerts.addAll(traffic.send("while-stopped", 20, 4));

    Response resumed =
        api.post("/api/v1/jobs", "{\"restore\": {\"savepoint_path\": \"" + stopSavepoint + "\"}}");
    assertThat(resumed.status()).as(resumed.toString()).isEqualTo(201);
    assertThat(resumed.body().path("restored_from").asString()).isEqualTo(stopSavepoint);
    assertThat(resumed.body().path("jar_uploaded").asBoolean()).isFalse();
    jobId = resumed.body().path("job_id").asString();
    awaitJobState(jobId, "RUNNING");

    expectedAlerts.addAll(traffic.send("after-resume", 20, 4));
    awaitEveryExpectedAlertExactlyOnce();
  }

  @Test
  @Order(4)
  void rescalesFromOneToTwoKeepingState() {
    // One TaskManager of 4 slots, the job holding 1: a rescale to 8 is refused before anything
    // stops, and the job runs on untouched.
    Response tooWide = api.post("/api/v1/jobs/" + jobId + "/rescale", "{\"parallelism\": 8}");
    assertThat(tooWide.status()).as(tooWide.toString()).isEqualTo(409);
    assertThat(tooWide.body().path("slots_available").asInt()).isEqualTo(3);
    assertThat(tooWide.body().path("detail").asString()).contains("the job it replaces frees 1");
    assertThat(job(jobId).path("state").asString()).isEqualTo("RUNNING");

    Response accepted = api.post("/api/v1/jobs/" + jobId + "/rescale", "{\"parallelism\": 2}");
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    JsonNode operation = awaitOperation(accepted);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("COMPLETED");
    String rescaled = operation.path("new_job_id").asString();
    assertThat(rescaled).isNotBlank().isNotEqualTo(jobId);
    jobId = rescaled;

    JsonNode job = awaitJobState(jobId, "RUNNING");
    assertThat(job.path("parallelism").asInt()).isEqualTo(2);
    assertThat(job.path("delivery_guarantee").asString()).isEqualTo("exactly-once");
    expectedAlerts.addAll(traffic.send("after-rescale", 20, 4));
    // Source offsets live in the savepoint: nothing read before is read again, nothing is skipped.
    awaitEveryExpectedAlertExactlyOnce();
    assertThat(job(jobId).path("checkpoints").path("restored").asLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(5)
  void aRestartedControlPlaneFindsTheRunningJobAndResumesFromTheLatestSavepointAtItsParallelism() {
    try (ControlPlane restarted =
        ControlPlane.start(flink.restUrl(), kafka.bootstrapServers(), Map.of())) {
      ControlApiClient other = restarted.api();
      JsonNode jobs = other.get("/api/v1/jobs").body().path("jobs");
      assertThat(jobs.get(0).path("job_id").asString()).isEqualTo(jobId);
      assertThat(jobs.get(0).path("state").asString()).isEqualTo("RUNNING");
      // What operations.md's jq picks the job by (select(.active)).
      assertThat(jobs.get(0).path("active").isBoolean()).as(jobs.toString()).isTrue();
      assertThat(jobs.get(0).path("active").asBoolean()).isTrue();
      assertThat(kinds(other)).containsExactly("RESCALE", "STOP", "SAVEPOINT");
      // The first control plane's operations are in Kafka, not only in its memory.
      Response earlierStop = other.get(stopOperation);
      assertThat(earlierStop.status()).as(earlierStop.toString()).isEqualTo(200);
      assertThat(earlierStop.body().path("state").asString()).isEqualTo("COMPLETED");
      assertThat(earlierStop.body().path("savepoint_path").asString()).isEqualTo(stopSavepoint);
      assertThat(earlierStop.body()).isEqualTo(api.get(stopOperation).body());

      Response stop = other.post("/api/v1/jobs/" + jobId + "/stop", null);
      assertThat(stop.status()).as(stop.toString()).isEqualTo(202);
      String location = stop.header("Location").orElseThrow();
      await()
          .atMost(LONG)
          .until(() -> !"IN_PROGRESS".equals(other.get(location).body().path("state").asString()));
      String latest = other.get(location).body().path("savepoint_path").asString();
      assertThat(latest).isNotBlank();
      expectedAlerts.addAll(traffic.send("while-stopped-again", 20, 4));

      Response resumed = other.post("/api/v1/jobs", "{\"restore\": {\"latest\": true}}");
      assertThat(resumed.status()).as(resumed.toString()).isEqualTo(201);
      assertThat(resumed.body().path("restored_from").asString()).isEqualTo(latest);
      // Left out, the parallelism is the one declared last (by the rescale), not the default (1).
      assertThat(resumed.body().path("parallelism").asInt()).isEqualTo(2);
      jobId = resumed.body().path("job_id").asString();
    }
    // The first control plane sees the job the second one started: Flink is the source of truth.
    awaitJobState(jobId, "RUNNING");
    expectedAlerts.addAll(traffic.send("after-latest", 20, 4));
    awaitEveryExpectedAlertExactlyOnce();
    assertThat(kinds(api)).containsExactly("STOP", "RESCALE", "STOP", "SAVEPOINT");
  }

  @Test
  @Order(6)
  void cancelsTheJobWhoseKafkaClientsCloseTheirConnections() {
    // Flink runs in this JVM, so the job's Kafka clients log here. They close on their own
    // threads, which can outlive the job's class loader (see the fraud job's KafkaClientClasses);
    // a client that cannot close its connections logs an error for each.
    ListAppender<ILoggingEvent> kafkaErrors = new ListAppender<>();
    kafkaErrors.addFilter(
        new Filter<>() {
          @Override
          public FilterReply decide(ILoggingEvent event) {
            return event.getLevel().isGreaterOrEqual(Level.ERROR)
                ? FilterReply.NEUTRAL
                : FilterReply.DENY;
          }
        });
    kafkaErrors.start();
    Logger kafkaLogger = (Logger) LoggerFactory.getLogger("org.apache.kafka");
    kafkaLogger.addAppender(kafkaErrors);
    try {
      Response accepted = api.post("/api/v1/jobs/" + jobId + "/cancel", null);
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
      JsonNode operation = awaitOperation(accepted);
      assertThat(operation.path("state").asString()).isEqualTo("COMPLETED");
      assertThat(job(jobId).path("state").asString()).isEqualTo("CANCELED");

      Response again = api.post("/api/v1/jobs/" + jobId + "/cancel", null);
      assertThat(again.status()).isEqualTo(409);

      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                List<ILoggingEvent> errors;
                synchronized (kafkaErrors) { // the appender appends under its own lock
                  errors = List.copyOf(kafkaErrors.list);
                }
                assertThat(errors)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(m -> m.startsWith("Failed to close"));
              });
    } finally {
      kafkaLogger.detachAppender(kafkaErrors);
    }
  }

  @Test
  @Order(7)
  void theLatestStateAfterACancelIsTheCancelledJobsCheckpointNotAnOlderSavepoint() {
    // The newest savepoint is the stop of the previous test but one; the job committed alerts
    // after it, then was cancelled. Restoring that savepoint would commit those alerts again.
    String cancelled = jobId;
    Response resumed = api.post("/api/v1/jobs", "{\"restore\": {\"latest\": true}}");
    assertThat(resumed.status()).as(resumed.toString()).isEqualTo(201);
    assertThat(resumed.body().path("restored_from").asString())
        .contains(cancelled)
        .contains("/chk-");
    jobId = resumed.body().path("job_id").asString();
    awaitJobState(jobId, "RUNNING");
    expectedAlerts.addAll(traffic.send("after-cancel", 20, 4));
    awaitEveryExpectedAlertExactlyOnce();

    Response cancel = api.post("/api/v1/jobs/" + jobId + "/cancel", null);
    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(202);
    assertThat(awaitOperation(cancel).path("state").asString()).isEqualTo("COMPLETED");
  }

  @Test
  @Order(8)
  void aStopRightAfterTheDeployWaitsForTheTasksToStartAndTakesASavepoint() {
    // Before, a stop while a task was still starting cancelled the job back to the state it
    // started from: the operation completed without a savepoint.
    Response deployed = api.post("/api/v1/jobs", "{\"restore\": {\"latest\": true}}");
    assertThat(deployed.status()).as(deployed.toString()).isEqualTo(201);
    jobId = deployed.body().path("job_id").asString();
    // The stop needs the job RUNNING (past CREATED, a moment), not its tasks: asked of Flink
    // itself, since the API answers from an observation up to fraud.flink.poll-interval old.
    FlinkRestClient flinkClient = control.bean(FlinkRestClient.class);
    await()
        .atMost(LONG)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () ->
                flinkClient.jobsOverview().stream()
                    .anyMatch(
                        j ->
                            j.getJobId().toHexString().equals(jobId)
                                && j.getStatus() == JobStatus.RUNNING));

    Response accepted = api.post("/api/v1/jobs/" + jobId + "/stop", null);

    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    JsonNode operation = awaitOperation(accepted);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("COMPLETED");
    assertThat(operation.path("savepoint_path").asString()).as(operation.toString()).isNotBlank();
    assertThat(job(jobId).path("state").asString()).isEqualTo("FINISHED");
  }

  @Test
  @Order(9)
  void aDeployFromASavepointFlinkCannotReadFailsWithFlinksReason() {
    // Flink shows such a job INITIALIZING until it fails; the deploy must not take it for started.
    Response deploy =
        api.post(
            "/api/v1/jobs", "{\"restore\": {\"savepoint_path\": \"file:/no/such/savepoint\"}}");

    assertThat(deploy.status()).as(deploy.toString()).isEqualTo(502);
    assertThat(deploy.contentType()).startsWith("application/problem+json");
    assertThat(deploy.body().path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/flink-error");
    assertThat(deploy.body().path("detail").asString()).contains("no/such/savepoint");
    assertThat(deploy.body().path("desired_version").asLong()).isPositive();
    // The failed job shows why it failed.
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              JsonNode failed = null;
              for (JsonNode job : api.get("/api/v1/jobs").body().path("jobs")) {
                if ("FAILED".equals(job.path("state").asString())) {
                  failed = job;
                  break;
                }
              }
              assertThat(failed).as("a FAILED job").isNotNull();
              JsonNode detail = job(failed.path("job_id").asString());
              assertThat(detail.path("exceptions").findValuesAsString("root_cause"))
                  .anySatisfy(m -> assertThat(m).contains("no/such/savepoint"));
            });
  }

  private static List<String> kinds(ControlApiClient client) {
    List<String> kinds = new ArrayList<>();
    client
        .get("/api/v1/savepoints")
        .body()
        .path("savepoints")
        .forEach(savepoint -> kinds.add(savepoint.path("kind").asString()));
    return kinds;
  }

  private static JsonNode job(String id) {
    Response response = api.get("/api/v1/jobs/" + id);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }

  private static JsonNode awaitJobState(String id, String state) {
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(() -> assertThat(job(id).path("state").asString()).isEqualTo(state));
    return job(id);
  }

  private static JsonNode awaitOperation(Response accepted) {
    String location = accepted.header("Location").orElseThrow();
    assertThat(location).isEqualTo("/api/v1/operations/" + accepted.body().path("id").asString());
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .until(() -> !"IN_PROGRESS".equals(api.get(location).body().path("state").asString()));
    return api.get(location).body();
  }

  private static void awaitEveryExpectedAlertExactlyOnce() {
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }
}
