package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.Ports;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Bad input and a Flink outage, against a real Flink REST API and a real broker: clear problem
 * details every time, never a 500, and recovery without a restart of the control plane.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputAndFlinkOutageTest {

  private static final String PROBLEMS = "https://fraud-pipeline.dev/problems/";
  private static final String UNKNOWN_JOB = "0123456789abcdef0123456789abcdef";

  static LocalKafka kafka;
  static int flinkPort;
  static LocalFlink flink;
  static ControlPlane control;
  static ControlApiClient api;

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start();
    flinkPort = Ports.free();
    flink = LocalFlink.start(new LocalFlink.Options(flinkPort, 1, 4, null, Map.of()));
    // Wider than Flink's 4 slots: a backtest is refused before it starts.
    control =
        ControlPlane.start(
            flink.restUrl(), kafka.bootstrapServers(), Map.of("fraud.backtests.parallelism", 5));
    api = control.api();
  }

  @AfterAll
  static void stop() throws Exception {
    Closing.inOrder(control, flink, kafka);
  }

  @Test
  @Order(1)
  void rejectsInvalidDeployRequestsWithFieldErrors() {
    assertFieldError(api.post("/api/v1/jobs", "{\"parallelism\": 0}"), "parallelism");
    assertFieldError(api.post("/api/v1/jobs", "{\"parallelism\": 1000}"), "parallelism");
    assertFieldError(api.post("/api/v1/jobs", "{\"parallelism\": \"two\"}"), "parallelism");
    assertFieldError(
        api.post("/api/v1/jobs", "{\"delivery_guarantee\": \"sometimes\"}"), "delivery_guarantee");
    assertFieldError(api.post("/api/v1/jobs", "{\"paralelism\": 2}"), "paralelism");
    assertFieldError(
        api.post(
            "/api/v1/jobs", "{\"restore\": {\"latest\": true, \"savepoint_path\": \"file:/x\"}}"),
        "restore.one_source");
    assertFieldError(api.post("/api/v1/jobs", "{\"restore\": {}}"), "restore.one_source");

    Response notJson = api.post("/api/v1/jobs", "{parallelism: 2");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body().path("type").asString()).isEqualTo(PROBLEMS + "malformed-body");

    // A value of the wrong type is described in the API's words, never by Java type names.
    assertThat(errorMessage(api.post("/api/v1/jobs", "{\"parallelism\": \"two\"}")))
        .isEqualTo("must be a whole number");
    assertThat(errorMessage(api.post("/api/v1/jobs", "{\"parallelism\": 99999999999}")))
        .isEqualTo("is out of range");
    assertThat(
            errorMessage(api.post("/api/v1/jobs/" + UNKNOWN_JOB + "/stop", "{\"drain\": \"yes\"}")))
        .isEqualTo("must be true or false");
    assertThat(errorMessage(api.post("/api/v1/producer/runs", "{\"duration\": \"10s\"}")))
        .isEqualTo("must be an ISO-8601 duration such as PT30S or PT10M");
    // Nothing is guessed at: no fraction or text for a number, no key given twice.
    assertThat(errorMessage(api.post("/api/v1/jobs", "{\"parallelism\": 2.5}")))
        .isEqualTo("must be a whole number");
    assertThat(errorMessage(api.post("/api/v1/jobs", "{\"parallelism\": \"2\"}")))
        .isEqualTo("must be a whole number");
    Response twice = api.post("/api/v1/jobs", "{\"parallelism\": 1, \"parallelism\": 2}");
    assertThat(twice.status()).as(twice.toString()).isEqualTo(400);
    assertThat(twice.body().path("detail").asString()).contains("Duplicate");
    Response twiceInRules =
        api.put(
            "/api/v1/rules",
            "{\"amount_threshold\": 3000, \"amount_threshold\": 4000}",
            Map.of("If-Match", "*"));
    assertThat(twiceInRules.status()).as(twiceInRules.toString()).isEqualTo(400);
    Response array = api.post("/api/v1/jobs", "[]");
    assertThat(array.body().path("type").asString()).isEqualTo(PROBLEMS + "malformed-body");
    assertThat(array.body().path("detail").asString())
        .isEqualTo("The request body must be a JSON object");
  }

  private static String errorMessage(Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    return response.body().path("errors").get(0).path("message").asString();
  }

  @Test
  @Order(2)
  void rejectsBadPathsAndParameters() {
    Response badId = api.get("/api/v1/jobs/not-a-job-id");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.body().path("errors").get(0).path("field").asString()).isEqualTo("job_id");

    assertFieldError(
        api.post("/api/v1/jobs/" + UNKNOWN_JOB + "/rescale", "{\"parallelism\": 0}"),
        "parallelism");
    assertFieldError(api.post("/api/v1/jobs/" + UNKNOWN_JOB + "/rescale", "{}"), "parallelism");
    // Commands without parameters refuse a body that is not JSON or names a field, as the others
    // do, before anything is looked up: a mistyped body must not cancel a job.
    for (String command : List.of("/cancel", "/savepoints")) {
      assertFieldError(api.post("/api/v1/jobs/" + UNKNOWN_JOB + command, "{\"x\": 1}"), "x");
      Response garbage = api.post("/api/v1/jobs/" + UNKNOWN_JOB + command, "garbage");
      assertThat(garbage.status()).as(garbage.toString()).isEqualTo(400);
      assertThat(garbage.body().path("type").asString()).isEqualTo(PROBLEMS + "malformed-body");
      assertThat(api.post("/api/v1/jobs/" + UNKNOWN_JOB + command, "{}").status()).isEqualTo(404);
    }
    for (String list : List.of("/api/v1/savepoints", "/api/v1/operations")) {
      for (String limit : List.of("0", "1001")) {
        Response badLimit = api.get(list + "?limit=" + limit);
        assertThat(badLimit.status()).as(list + " " + badLimit).isEqualTo(400);
        assertThat(badLimit.body().path("type").asString()).isEqualTo(PROBLEMS + "validation");
        assertThat(badLimit.body().path("errors").get(0).path("field").asString())
            .isEqualTo("limit");
      }
    }
    // A path the security firewall rejects gets a problem document like any other error.
    Response rejected = api.get("/api/v1/jobs/%2e%2e");
    assertThat(rejected.status()).as(rejected.toString()).isEqualTo(400);
    assertThat(rejected.contentType()).startsWith("application/problem+json");
    assertThat(rejected.body().path("type").asString()).startsWith(PROBLEMS);
    // JSON only: no second contract in YAML (camelCase, epoch seconds), while the OpenAPI
    // document is still served as YAML too.
    Response yaml = api.get("/api/v1/leadership", Map.of("Accept", "application/yaml"));
    assertThat(yaml.status()).as(yaml.toString()).isEqualTo(406);
    assertThat(yaml.contentType()).startsWith("application/problem+json");
    assertThat(api.get("/v3/api-docs.yaml").status()).isEqualTo(200);
    // A parameter that is not even a number is a field error too, not a bare "Bad Request".
    Response notANumber = api.get("/api/v1/savepoints?limit=abc");
    assertFieldError(notANumber, "limit");
    assertThat(errorMessage(notANumber)).isEqualTo("must be a whole number");
    assertThat(notANumber.body().path("title").asString())
        .isEqualTo(api.get("/api/v1/savepoints?limit=0").body().path("title").asString());
  }

  @Test
  @Order(3)
  void answersUnknownJobsAndOperationsWithNotFound() {
    for (Response response :
        List.of(
            api.get("/api/v1/jobs/" + UNKNOWN_JOB),
            api.post("/api/v1/jobs/" + UNKNOWN_JOB + "/stop", null),
            api.post("/api/v1/jobs/" + UNKNOWN_JOB + "/savepoints", null),
            api.post("/api/v1/jobs/" + UNKNOWN_JOB + "/cancel", null),
            api.post("/api/v1/jobs/" + UNKNOWN_JOB + "/rescale", "{\"parallelism\": 2}"),
            api.get("/api/v1/operations/no-such-operation"))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(404);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.body().path("type").asString()).isEqualTo(PROBLEMS + "not-found");
    }
  }

  @Test
  @Order(4)
  void refusesDeploysItCannotHonour() {
    Response noSavepoint = api.post("/api/v1/jobs", "{\"restore\": {\"latest\": true}}");
    assertThat(noSavepoint.status()).as(noSavepoint.toString()).isEqualTo(409);
    assertThat(noSavepoint.body().path("detail").asString()).contains("savepoint history is empty");

    Response tooWide = api.post("/api/v1/jobs", "{\"parallelism\": 8}");
    assertThat(tooWide.status()).as(tooWide.toString()).isEqualTo(409);
    assertThat(tooWide.body().path("slots_available").asInt()).isEqualTo(4);

    Instant to = Instant.now().minusSeconds(1);
    Response backtest =
        api.post(
            "/api/v1/rules/backtests",
            "{\"rules\": [{\"id\": \"big\", \"kind\": \"threshold\", \"field\": \"amount\","
                + " \"operator\": \">\", \"limit\": 500}], \"from\": \""
                + to.minus(Duration.ofMinutes(10))
                + "\", \"to\": \""
                + to
                + "\"}");
    assertThat(backtest.status()).as(backtest.toString()).isEqualTo(409);
    assertThat(backtest.body().path("detail").asString())
        .startsWith("A backtest (fraud.backtests.parallelism 5) needs 5 free task slots");
    assertThat(backtest.body().path("slots_available").asInt()).isEqualTo(4);
  }

  @Test
  @Order(5)
  void refusesWritesWithoutTheTokenAndNeverLogsIt(CapturedOutput output) {
    Response missing = api.postAnonymously("/api/v1/jobs", "{}");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.contentType()).startsWith("application/problem+json");
    assertThat(missing.header("WWW-Authenticate")).hasValue("Bearer");
    assertThat(missing.body().path("type").asString()).isEqualTo(PROBLEMS + "unauthorized");
    assertThat(missing.body().path("detail").asString()).contains("Authorization: Bearer");

    for (String path :
        List.of(
            "/api/v1/jobs/" + UNKNOWN_JOB + "/stop",
            "/api/v1/jobs/" + UNKNOWN_JOB + "/savepoints",
            "/api/v1/jobs/" + UNKNOWN_JOB + "/rescale",
            "/api/v1/jobs/" + UNKNOWN_JOB + "/cancel")) {
      assertThat(api.postAnonymously(path, "{}").status()).as(path).isEqualTo(401);
    }
    ControlApiClient wrongToken =
        new ControlApiClient(api.baseUrl(), ControlPlane.TOKEN + "-but-wrong");
    Response wrong = wrongToken.post("/api/v1/jobs", "{}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body().path("detail").asString()).contains("not valid");
    assertThat(api.get("/api/v1/jobs").status()).isEqualTo(200);

    Response wrongMethod = api.delete("/api/v1/jobs");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.body().path("type").asString())
        .isEqualTo(PROBLEMS + "method-not-allowed");
    // One title per type, whichever layer answered: not Spring's own wording for the status.
    assertThat(wrongMethod.body().path("title").asString()).isEqualTo("Method not allowed");
    Response wrongType = api.post("/api/v1/jobs", "parallelism=2", "text/plain");
    assertThat(wrongType.status()).isEqualTo(415);
    assertThat(wrongType.body().path("type").asString())
        .isEqualTo(PROBLEMS + "unsupported-media-type");
    assertThat(wrongType.body().path("title").asString()).isEqualTo("Unsupported media type");

    assertThat(output.getAll()).contains("API token configured").doesNotContain(ControlPlane.TOKEN);
  }

  @Test
  @Order(6)
  void describesEveryEndpointInOpenApiAndTheJarInInfo() {
    JsonNode docs = api.get("/v3/api-docs").body();
    List<String> paths = new ArrayList<>();
    docs.path("paths").propertyNames().forEach(paths::add);
    assertThat(paths)
        .contains(
            "/api/v1/jobs",
            "/api/v1/jobs/{job_id}",
            "/api/v1/jobs/{job_id}/stop",
            "/api/v1/jobs/{job_id}/savepoints",
            "/api/v1/jobs/{job_id}/rescale",
            "/api/v1/jobs/{job_id}/cancel",
            "/api/v1/operations/{operation_id}",
            "/api/v1/savepoints");
    JsonNode deploy = docs.path("paths").path("/api/v1/jobs").path("post");
    assertThat(deploy.path("security").get(0).has("bearer")).isTrue();
    assertThat(deploy.path("responses").has("409")).isTrue();
    assertThat(
            docs.path("components")
                .path("schemas")
                .path("DeployRequest")
                .path("properties")
                .has("delivery_guarantee"))
        .isTrue();

    JsonNode info = api.get("/actuator/info").body();
    assertThat(info.path("fraud_job").path("jar_sha256").asString()).hasSize(64);
    assertThat(info.path("fraud_job").path("entry_class").asString())
        .isEqualTo("io.fraudpipeline.job.FraudDetectionJob");
  }

  @Test
  @Order(7)
  void reportsFlinkOutageAsUnknownAndRecoversWhenFlinkIsBack() {
    assertThat(api.get("/api/v1/jobs").status()).isEqualTo(200);
    flink.close();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(api.get("/api/v1/jobs").status()).isEqualTo(503));
    Response jobs = api.get("/api/v1/jobs");
    assertThat(jobs.contentType()).startsWith("application/problem+json");
    assertThat(jobs.body().path("type").asString()).isEqualTo(PROBLEMS + "flink-unavailable");
    assertThat(jobs.body().path("detail").asString()).contains("unknown");

    Response health = api.get("/actuator/health");
    assertThat(health.status()).as(health.toString()).isEqualTo(503);
    JsonNode components = health.body().path("components");
    assertThat(components.path("flink").path("status").asString()).isEqualTo("DOWN");
    assertThat(components.path("fraudJob").path("status").asString()).isEqualTo("UNKNOWN");
    assertThat(components.path("kafka").path("status").asString()).isEqualTo("UP");
    assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
    String metrics = api.get("/actuator/prometheus").raw().body();
    assertThat(metrics)
        .contains("fraud_flink_reachable{application=\"control-api\"} 0.0")
        .contains("fraud_job_state{application=\"control-api\",state=\"unknown\"} 1.0");

    Response deploy = api.post("/api/v1/jobs", "{}");
    assertThat(deploy.status()).isEqualTo(503);
    assertThat(deploy.body().path("type").asString()).isEqualTo(PROBLEMS + "flink-unavailable");

    flink = LocalFlink.start(new LocalFlink.Options(flinkPort, 1, 4, null, Map.of()));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(api.get("/api/v1/jobs").status()).isEqualTo(200));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(api.get("/actuator/health").status()).isEqualTo(200));
    assertThat(
            api.get("/actuator/health")
                .body()
                .path("components")
                .path("fraudJob")
                .path("status")
                .asString())
        .isEqualTo("NOT_DEPLOYED");
  }

  private static void assertFieldError(Response response, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body().path("type").asString()).isEqualTo(PROBLEMS + "validation");
    List<String> fields = new ArrayList<>();
    response.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    assertThat(fields).as(response.toString()).contains(field);
  }
}
