package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.control.support.OpenApiDocument;
import io.fraudpipeline.control.support.TestKafka;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Real answers of the service, each checked against what /v3/api-docs documents for its operation:
 * the status is one of the operation's responses, the content type is that response's, a documented
 * Location is sent, and a problem carries no member the Problem schema leaves out. With Kafka and a
 * token, and no Flink to talk to.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.security.api-token=" + DocumentedAnswersTest.TOKEN,
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.producer.stop-timeout=20s"
    })
@DirtiesContext
class DocumentedAnswersTest {

  static final String TOKEN = "openapi-test-token-0123456789";
  private static final String UNKNOWN_JOB = "0123456789abcdef0123456789abcdef";
  private static final String JSON = "application/json";

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    TestKafka.register(registry, "openapi");
  }

  @LocalServerPort int port;
  private ApiClient api;
  private OpenApiDocument docs;

  @BeforeEach
  void client() {
    api = new ApiClient(port, TOKEN);
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/topics").status() == 200);
    docs = OpenApiDocument.parse(api.get("/v3/api-docs").body());
  }

  @Test
  void aProducerRunIsAcceptedWithTheDocumentedStatusLocationAndBody() {
    Reply started =
        api.write(
            "POST", "/api/v1/producer/runs", JSON, "{\"rate_per_second\": 50, \"count\": 20}");
    assertDocumented("POST", "/api/v1/producer/runs", started, 202);
    String run = started.header("Location");

    assertDocumented("GET", run, api.get(run), 200);
    Reply stopped = api.delete(run);
    assertThat(stopped.status()).isIn(200, 202);
    assertDocumented("DELETE", run, stopped, stopped.status());
  }

  @Test
  void refusalsAreDocumentedProblemsOfTheirOperation() {
    assertDocumented(
        "GET", "/api/v1/operations?limit=0", api.get("/api/v1/operations?limit=0"), 400);
    assertDocumented(
        "GET", "/api/v1/producer/runs/nope", api.get("/api/v1/producer/runs/nope"), 404);
    assertDocumented(
        "DELETE", "/api/v1/savepoints/nope", api.delete("/api/v1/savepoints/nope"), 404);
    assertDocumented(
        "PUT",
        "/api/v1/rules",
        api.write("PUT", "/api/v1/rules", JSON, "{\"amount_threshold\": 100}"),
        428);
    assertDocumented(
        "PATCH", "/api/v1/rules", patchRulesAtAStaleVersion("{\"amount_threshold\": 100}"), 412);
    assertDocumented(
        "POST",
        "/api/v1/producer/runs",
        api.write("POST", "/api/v1/producer/runs", "text/plain", "count=1"),
        415);
    assertDocumented(
        "POST", "/api/v1/jobs", api.writeWithoutToken("POST", "/api/v1/jobs", JSON, "{}"), 401);
    // No Flink: the jobs cannot be known.
    assertDocumented("GET", "/api/v1/jobs", api.get("/api/v1/jobs"), 503);
  }

  @Test
  void aWriteWhoseAnswerCannotBeJsonIsRefusedBeforeAnythingIsDone() {
    String html = "text/html";
    int runs = api.get("/api/v1/producer/runs").json().path("runs").size();
    int operations = api.get("/api/v1/operations").json().path("operations").size();
    String rules = api.get("/api/v1/rules").header("ETag");

    Reply run = api.write("POST", "/api/v1/producer/runs", JSON, "{\"count\": 5}", "Accept", html);
    Reply savepoint =
        api.write(
            "POST", "/api/v1/jobs/" + UNKNOWN_JOB + "/savepoints", JSON, "{}", "Accept", html);
    Reply patch =
        api.write(
            "PATCH",
            "/api/v1/rules",
            "application/merge-patch+json",
            "{\"category_thresholds\": {\"html\": 100}}",
            "If-Match",
            rules,
            "Accept",
            html);

    for (Reply refused : List.of(run, savepoint, patch)) {
      assertThat(refused.status()).as(refused.body()).isEqualTo(406);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.problemType()).isEqualTo("not-acceptable");
    }
    assertThat(api.get("/api/v1/producer/runs").json().path("runs").size()).isEqualTo(runs);
    assertThat(api.get("/api/v1/operations").json().path("operations").size())
        .isEqualTo(operations);
    assertThat(api.get("/api/v1/rules").header("ETag")).isEqualTo(rules);
    assertThat(docs.response("POST", "/api/v1/producer/runs", 202).orElseThrow().getContent())
        .containsOnlyKeys(JSON);
  }

  @Test
  void aWriteIsCarriedOutForEveryAcceptThatAdmitsJson() {
    for (String accept :
        List.of("*/*", "application/*", "application/problem+json", "text/html, */*;q=0.8")) {
      // A stale version: refused by the handler itself, so the request reached it.
      Reply reached = patchRulesAtAStaleVersion("{\"amount_threshold\": 100}", "Accept", accept);
      assertThat(reached.status()).as(accept + ": " + reached.body()).isEqualTo(412);
    }
    assertThat(patchRulesAtAStaleVersion("{}").status()).isEqualTo(412);
  }

  @Test
  void aBodyLargerThanTheLimitIsRefusedWithoutBeingReadWhole() {
    // A valid rule change but for one field's size, 1.5 MB: read whole, it was parsed (and a body
    // of hundreds of MB took the heap).
    byte[] large =
        ("{\"amount_threshold\": 3000, \"note\": \"" + "a".repeat(1_500_000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Reply declared =
        api.writeBytes(
            "PATCH", "/api/v1/rules", "application/merge-patch+json", large, "If-Match", "\"1\"");
    assertDocumented("PATCH", "/api/v1/rules", declared, 413);
    assertThat(declared.json().path("detail").asString())
        .isEqualTo(
            "The request body is " + large.length + " bytes; this API takes at most 1048576 bytes");

    Reply chunked = api.writeChunked("POST", "/api/v1/rules/backtests", JSON, large);
    assertDocumented("POST", "/api/v1/rules/backtests", chunked, 413);
    assertThat(chunked.json().path("detail").asString())
        .isEqualTo(
            "The request body is more than 1048576 bytes; this API takes at most 1048576 bytes");
  }

  /** Probe 7: the detail named Jackson's StreamReadConstraints.getMaxNestingDepth(). */
  @Test
  void aBodyNestedTooDeepIsRefusedInPlainWords() {
    String deepArray = "{\"parallelism\": " + "[".repeat(501) + "]".repeat(501) + "}";
    String deepObject = "{\"a\": ".repeat(501) + "1" + "}".repeat(501);
    for (Reply reply :
        List.of(
            api.write("POST", "/api/v1/jobs", JSON, deepArray),
            api.write(
                "PATCH",
                "/api/v1/rules",
                "application/merge-patch+json",
                deepObject,
                "If-Match",
                "*"))) {
      assertThat(reply.status()).as(reply.body()).isEqualTo(400);
      assertThat(reply.problemType()).isEqualTo("malformed-body");
      assertThat(reply.json().path("detail").asString())
          .isEqualTo("The request body is not valid JSON: nested deeper than 500 levels");
    }
  }

  @Test
  void readsAnswerTheDocumentedSuccess() {
    for (String path :
        Set.of(
            "/api/v1/rules",
            "/api/v1/rules/history",
            "/api/v1/pipeline/history",
            "/api/v1/operations",
            "/api/v1/leadership")) {
      assertDocumented("GET", path, api.get(path), 200);
    }
  }

  @Test
  void thePipelineSaysWhatRunsEvenWhenFlinkDoesNotAnswer() {
    Reply pipeline = api.get("/api/v1/pipeline");
    assertDocumented("GET", "/api/v1/pipeline", pipeline, 200);
    // No Flink here: what runs is unknown, and said so where a running job's state would be.
    assertThat(pipeline.json().path("flink_reachable").asBoolean()).isFalse();
    assertThat(pipeline.json().path("observed").path("state").asString()).isEqualTo("UNKNOWN");
    assertThat(pipeline.json().path("observed").has("observed_at")).isTrue();
  }

  @Test
  void everyWriteRefusesABodyThatIsNotUtf8OrGivesAKeyTwiceAsMalformed() {
    byte[] notUtf8 = {'{', '"', 'x', '"', ':', ' ', '"', (byte) 0xff, '"', '}'};
    byte[] keyTwice = "{\"x\": 1, \"x\": 1}".getBytes(StandardCharsets.UTF_8);
    List<String> writes = new ArrayList<>();
    docs.openApi()
        .getPaths()
        .forEach(
            (template, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, operation) -> {
                          if (operation.getRequestBody() == null
                              || operation.getRequestBody().getContent() == null) {
                            return;
                          }
                          String path = template.replaceAll("\\{[^/]+}", UNKNOWN_JOB);
                          String contentType =
                              operation.getRequestBody().getContent().keySet().iterator().next();
                          writes.add(method + " " + template);
                          for (byte[] body : List.of(notUtf8, keyTwice)) {
                            Reply reply =
                                api.writeBytes(
                                    method.name(), path, contentType, body, "If-Match", "*");
                            assertThat(reply.status())
                                .as(method + " " + path + ": " + reply.body())
                                .isEqualTo(400);
                            assertThat(reply.problemType())
                                .as(method + " " + path + ": " + reply.body())
                                .isEqualTo("malformed-body");
                          }
                        }));
    // Those the probe found answering validation among them.
    assertThat(writes)
        .contains(
            "POST /api/v1/jobs/{job_id}/savepoints",
            "POST /api/v1/jobs/{job_id}/cancel",
            "POST /api/v1/jobs",
            "PUT /api/v1/rules");
  }

  @Test
  void nanOrInfinityInAnyNumericFieldOfARequestBodyIsOneErrorNamingTheField() {
    // As reported: two contradictory range errors (">= 0.0" and "<= 1.0") before.
    assertOneError(
        "POST",
        "/api/v1/producer/runs",
        JSON,
        "{\"fraud_ratio\": \"NaN\"}",
        "fraud_ratio",
        "must be a number");
    List<String> fields = new ArrayList<>();
    docs.openApi()
        .getPaths()
        .forEach(
            (template, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, operation) -> {
                          if (operation.getRequestBody() == null
                              || operation.getRequestBody().getContent() == null) {
                            return;
                          }
                          String path = template.replaceAll("\\{[^/]+}", UNKNOWN_JOB);
                          var content = operation.getRequestBody().getContent();
                          String contentType = content.keySet().iterator().next();
                          Schema<?> body = resolve(content.get(contentType).getSchema());
                          if (body == null || body.getProperties() == null) {
                            return;
                          }
                          body.getProperties()
                              .forEach(
                                  (name, property) -> {
                                    Schema<?> type = resolve(property);
                                    if (!isNumeric(type)) {
                                      return;
                                    }
                                    fields.add(method + " " + template + " " + name);
                                    String quoted =
                                        isInteger(type)
                                            ? "must be a whole number"
                                            : "must be a number";
                                    for (String value : NON_FINITE) {
                                      assertOneError(
                                          method.name(),
                                          path,
                                          contentType,
                                          "{\"" + name + "\": " + value + "}",
                                          name,
                                          value.startsWith("\"") ? quoted : BARE_NON_FINITE);
                                    }
                                  });
                        }));
    assertThat(fields)
        .contains(
            "POST /api/v1/producer/runs fraud_ratio",
            "POST /api/v1/producer/runs rate_per_second",
            "PUT /api/v1/rules amount_threshold",
            "PATCH /api/v1/pipeline parallelism");
    // Deeper in a body too.
    for (String value : NON_FINITE) {
      String expected = value.startsWith("\"") ? "must be a number" : BARE_NON_FINITE;
      assertOneError(
          "PATCH",
          "/api/v1/rules",
          "application/merge-patch+json",
          "{\"category_thresholds\": {\"gambling\": " + value + "}}",
          "category_thresholds.gambling",
          expected);
      assertOneError(
          "PUT",
          "/api/v1/rules",
          JSON,
          "{\"amount_threshold\": 100, \"rules\": [{\"id\": \"r\", \"state\": \"shadow\","
              + " \"kind\": \"field\", \"field\": \"amount\", \"operator\": \">\","
              + " \"limit\": "
              + value
              + "}]}",
          "rules[0].limit",
          expected);
    }
    // A number too large for a double is read as Infinity: out of range, not two range errors.
    assertOneError(
        "POST",
        "/api/v1/producer/runs",
        JSON,
        "{\"fraud_ratio\": 1e999}",
        "fraud_ratio",
        "is out of range");
  }

  @Test
  void aNumberTooLargeForADoubleInABacktestsRuleIsRefusedInTheRuleSetsWords() {
    // As reported: Jackson's "'DoubleNode' method `decimalValue()` cannot convert value Infinity"
    // for a backtest's rule, where the rules' own PUT says the limit's maximum.
    String rule =
        "[{\"id\": \"r\", \"kind\": \"threshold\", \"field\": \"amount\", \"operator\": \">\","
            + " \"limit\": 1e400}]";
    assertOneError(
        "PUT",
        "/api/v1/rules",
        JSON,
        "{\"amount_threshold\": 100, \"rules\": " + rule + "}",
        "rules[0].limit",
        "must lie within ±1000000000000");
    assertOneError(
        "POST",
        "/api/v1/rules/backtests",
        JSON,
        "{\"rules\": " + rule + "}",
        "rules[0].limit",
        "must lie within ±1000000000000");
  }

  @Test
  void aWholeNumberTooLargeForAQueryParameterIsOutOfRangeNamingTheAllowedRange() {
    // As reported: "must be a whole number" for a whole number too large for an int.
    assertQueryError("/api/v1/alerts?limit=99999999999", "must be between 1 and 200");
    assertQueryError("/api/v1/events?limit=99999999999", "must be between 1 and 200");
    assertQueryError("/api/v1/alerts?limit=99999999999999999999", "is out of range");
    assertQueryError(
        "/api/v1/operations?limit=99999999999", "is out of range: must be between 1 and 1000");
    assertQueryError(
        "/api/v1/pipeline/history?limit=-99999999999",
        "is out of range: must be between 1 and 1000");
    assertQueryError("/api/v1/operations?limit=12abc", "must be a whole number");
  }

  /**
   * The query is refused with exactly one error, for {@code limit}, starting with {@code message}.
   */
  private void assertQueryError(String path, String message) {
    Reply reply = api.get(path);
    assertThat(reply.status()).as(path + ": " + reply.body()).isEqualTo(400);
    assertThat(reply.problemType()).as(path + ": " + reply.body()).isEqualTo("validation");
    assertThat(reply.json().path("errors"))
        .as(path + ": " + reply.body())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path("field").asString()).isEqualTo("limit");
              assertThat(e.path("message").asString()).startsWith(message);
            });
  }

  @Test
  void theDescriptionOfStateSaysThatNullInAPatchSuspendsThePipeline() {
    Schema<?> spec = docs.openApi().getComponents().getSchemas().get("PipelineSpec");
    assertThat(spec.getProperties().get("state").getDescription())
        .contains("{\"state\": null} suspends the pipeline");
  }

  /** NaN and Infinity as JSON writers send them: bare (not JSON) and quoted. */
  private static final List<String> NON_FINITE =
      List.of("NaN", "\"NaN\"", "Infinity", "-Infinity", "\"Infinity\"", "\"-Infinity\"");

  private static final String BARE_NON_FINITE =
      "must be a finite number (JSON has no NaN or Infinity)";

  /**
   * The body is refused with exactly one error for the field, starting with {@code message} (a
   * field may say more, e.g. its range).
   */
  private void assertOneError(
      String method, String path, String contentType, String body, String field, String message) {
    String request = method + " " + path + " " + body;
    Reply reply = api.write(method, path, contentType, body, "If-Match", "*");
    assertThat(reply.status()).as(request + ": " + reply.body()).isEqualTo(400);
    assertThat(reply.problemType()).as(request + ": " + reply.body()).isEqualTo("validation");
    List<String> messages = new ArrayList<>();
    reply
        .json()
        .path("errors")
        .forEach(
            e -> {
              if (field.equals(e.path("field").asString())) {
                messages.add(e.path("message").asString());
              }
            });
    assertThat(messages)
        .as(request + ": " + reply.body())
        .singleElement()
        .asString()
        .startsWith(message);
  }

  private static boolean isInteger(Schema<?> schema) {
    return "integer".equals(schema.getType())
        || (schema.getTypes() != null && schema.getTypes().contains("integer"));
  }

  /** A number or integer schema, as OpenAPI 3.0 ({@code type}) or 3.1 ({@code types}) says. */
  private static boolean isNumeric(Schema<?> schema) {
    if (schema == null) {
      return false;
    }
    Set<String> types = new java.util.HashSet<>();
    if (schema.getType() != null) {
      types.add(schema.getType());
    }
    if (schema.getTypes() != null) {
      types.addAll(schema.getTypes());
    }
    return types.contains("number") || types.contains("integer");
  }

  private Schema<?> resolve(Schema<?> schema) {
    if (schema == null || schema.get$ref() == null) {
      return schema;
    }
    String ref = schema.get$ref();
    return docs.openApi().getComponents().getSchemas().get(ref.substring(ref.lastIndexOf('/') + 1));
  }

  @Test
  void responseSchemasListTheMembersAlwaysPresentAsRequiredAndRequestBodiesDoNot() {
    Map<String, Schema> schemas = docs.openApi().getComponents().getSchemas();
    assertThat(schemas.get("PipelineView").getRequired())
        .contains("flink_reachable", "in_sync", "observed");
    assertThat(schemas.get("PipelineStatus").getRequired())
        .contains("desired_version", "lineage", "deployments", "suspended")
        // Lists its constructor makes empty when given none: never null, so always written.
        .contains("failure_restarts", "rejected_jars", "recent_steps")
        .doesNotContain("job_id", "last_state", "upgrade");
    // Two records are named Upgrade (the status's and a settings group): told apart by members.
    assertThat(schemas.get("Upgrade").getRequired()).contains("desired_version");
    // The body of PUT /api/v1/pipeline too: a member left out there takes its default.
    List<String> inRequest = schemas.get("PipelineSpec").getRequired();
    assertThat(inRequest == null ? List.<String>of() : inRequest)
        .doesNotContain("parallelism", "restart_failed", "allow_non_restored_state");
    schemas.forEach(
        (name, schema) -> {
          if (schema.getRequired() != null) {
            assertThat(schema.getProperties())
                .as(name)
                .containsKeys(schema.getRequired().toArray(String[]::new));
          }
        });
  }

  /**
   * A merge patch of the rules made against version 999, which they are not at: the handler itself
   * refuses it (412), so an answer of 412 says the request got past everything before it.
   */
  private Reply patchRulesAtAStaleVersion(String patch, String... moreHeaders) {
    String[] headers =
        Stream.concat(Stream.of("If-Match", "\"999\""), Stream.of(moreHeaders))
            .toArray(String[]::new);
    return api.write("PATCH", "/api/v1/rules", "application/merge-patch+json", patch, headers);
  }

  private void assertDocumented(String method, String path, Reply reply, int expectedStatus) {
    String request = method + " " + path;
    assertThat(reply.status()).as(request + ": " + reply.body()).isEqualTo(expectedStatus);
    assertThat(docs.operation(method, path)).as(request + " is documented").isPresent();
    ApiResponse documented = docs.response(method, path, reply.status()).orElse(null);
    assertThat(documented).as(request + " documents " + reply.status()).isNotNull();
    String contentType = reply.header("Content-Type");
    if (documented.getContent() == null || documented.getContent().isEmpty()) {
      assertThat(reply.body()).as(request).isEmpty();
      return;
    }
    assertThat(contentType).as(request).isNotNull();
    String mediaType = contentType.split(";")[0].trim();
    assertThat(documented.getContent()).as(request + " content").containsKey(mediaType);
    if (documented.getHeaders() != null && documented.getHeaders().containsKey("Location")) {
      assertThat(reply.header("Location")).as(request + " Location").isNotBlank();
    }
    Schema<?> schema = documented.getContent().get(mediaType).getSchema();
    if (schema != null && schema.get$ref() != null && reply.json().isObject()) {
      Schema<?> model =
          docs.openApi()
              .getComponents()
              .getSchemas()
              .get(schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1));
      if (model != null && model.getRequired() != null) {
        for (String member : model.getRequired()) {
          assertThat(reply.json().has(member)).as(request + " has required " + member).isTrue();
        }
      }
    }
    if (mediaType.equals("application/problem+json")) {
      assertThat(reply.json().propertyNames())
          .as(request + " problem members")
          .isSubsetOf(
              docs.openApi().getComponents().getSchemas().get("Problem").getProperties().keySet());
    }
  }
}
