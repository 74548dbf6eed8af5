package io.fraudpipeline.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.support.OpenApiDocument;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as it starts out of the box, without an API token and without Flink or Kafka to talk
 * to: it starts, answers reads and docs, refuses writes and says how to enable them.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      // Nothing listens here: health reports Flink and Kafka as they are, the app still starts.
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "spring.kafka.bootstrap-servers=127.0.0.1:9",
      // Topic set-up at start-up waits this long for the absent broker.
      "spring.kafka.admin.operation-timeout=2s",
      // Then closes its admin client, waiting this long for it (10 s by default).
      "spring.kafka.admin.close-timeout=1s"
    })
// No other class shares this configuration: cached, the context would keep its Kafka clients
// calling the absent broker, and its pollers running, for the rest of the suite.
@DirtiesContext
class ControlApiSmokeTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @Test
  void refusesEveryWriteWithoutAConfiguredTokenAndSaysHowToSetOne(CapturedOutput output)
      throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/api/v1/jobs"))
                .header("Authorization", "Bearer anything")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/forbidden");
    assertThat(problem.path("detail").asString()).contains("FRAUD_API_TOKEN");
    assertThat(output.getAll())
        .contains("No API token configured")
        .contains("FRAUD_API_TOKEN")
        .doesNotContain("Using generated security password");
  }

  @Test
  void servesTheOpenApiDescriptionWithTheBearerScheme() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v3/api-docs")).GET());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode docs = JSON.readTree(response.body());
    assertThat(docs.path("info").path("title").asString()).isEqualTo("fraud-pipeline control API");
    assertThat(
            docs.path("components")
                .path("securitySchemes")
                .path("bearer")
                .path("scheme")
                .asString())
        .isEqualTo("bearer");
    // Reads say they need no token; writes name the bearer scheme.
    assertThat(docs.at("/paths/~1api~1v1~1pipeline/get/security").isArray()).isTrue();
    assertThat(docs.at("/paths/~1api~1v1~1pipeline/get/security")).isEmpty();
    assertThat(docs.at("/paths/~1api~1v1~1pipeline/patch/security/0").has("bearer")).isTrue();
    // Spring's fallback error page is no operation of this API.
    assertThat(docs.path("paths").propertyNames()).isNotEmpty().doesNotContain("/error");
    assertThat(send(HttpRequest.newBuilder(uri("/swagger-ui/index.html")).GET()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void servesAnOpenApiDocumentTheValidatorAcceptsWithEveryReferenceResolved() throws Exception {
    OpenApiDocument docs = OpenApiDocument.parse(apiDocs());

    assertThat(docs.messages()).isEmpty();
    assertThat(docs.openApi().getComponents().getSchemas()).containsKey("Problem");
  }

  @Test
  void documentsASuccessForEveryOperationAndEveryErrorAsAProblemDocument() throws Exception {
    JsonNode paths = JSON.readTree(apiDocs()).path("paths");
    for (String path : paths.propertyNames()) {
      for (String method : paths.path(path).propertyNames()) {
        JsonNode responses = paths.path(path).path(method).path("responses");
        String operation = method.toUpperCase(Locale.ROOT) + " " + path;
        assertThat(responses.propertyNames())
            .as(operation)
            .anyMatch(status -> status.startsWith("2"))
            .contains("400", "406", "500");
        for (String status : responses.propertyNames()) {
          if (status.startsWith("4") || status.startsWith("5")) {
            JsonNode content = responses.path(status).path("content");
            assertThat(content.propertyNames())
                .as(operation + " " + status)
                .containsExactly("application/problem+json");
            assertThat(
                    content.path("application/problem+json").path("schema").path("$ref").asString())
                .as(operation + " " + status)
                .isEqualTo("#/components/schemas/Problem");
          }
        }
      }
    }
  }

  @Test
  void documentsWhatGoesOverTheWireNotTheJavaTypesBehindIt() throws Exception {
    JsonNode docs = JSON.readTree(apiDocs());
    JsonNode schemas = docs.path("components").path("schemas");

    // Jackson's JsonNode and Spring's SseEmitter are server-side objects, never on the wire.
    assertThat(schemas.propertyNames()).doesNotContain("JsonNode", "SseEmitter");
    assertThat(docs.toString()).doesNotContain("node_type", "missing_node", "\"timeout\"");
    // The pipeline's and the rules' histories are two shapes, not one name springdoc kept.
    assertThat(
            successSchema(docs, "/api/v1/pipeline/history", "get", schemas)
                .path("properties")
                .propertyNames())
        .containsExactly("versions");
    assertThat(
            successSchema(docs, "/api/v1/rules/history", "get", schemas)
                .path("properties")
                .propertyNames())
        .containsExactly("changes");
    for (String stream :
        List.of("/api/v1/events/stream", "/api/v1/alerts/stream", "/api/v1/alerts/shadow/stream")) {
      JsonNode content =
          docs.path("paths").path(stream).path("get").path("responses").path("200").path("content");
      assertThat(content.propertyNames()).as(stream).containsExactly("text/event-stream");
      assertThat(content.path("text/event-stream").path("schema").path("type").asString())
          .as(stream)
          .isEqualTo("string");
    }
    JsonNode backtest =
        docs.path("paths")
            .path("/api/v1/rules/backtests")
            .path("post")
            .path("requestBody")
            .path("content")
            .path("application/json")
            .path("schema");
    assertThat(resolve(backtest, schemas).path("properties").propertyNames())
        .containsExactlyInAnyOrder("rules", "from", "to");
    assertThat(schemas.path("Problem").path("properties").propertyNames())
        .contains(
            "type",
            "title",
            "status",
            "detail",
            "instance",
            "errors",
            "current_version",
            "running_job_id",
            "operation_id",
            "slots_available",
            "pinned_by",
            "error_id");
    // Long operations say where to poll.
    for (String[] accepted :
        List.of(
            new String[] {"/api/v1/producer/runs", "post", "202"},
            new String[] {"/api/v1/rules/backtests", "post", "202"},
            new String[] {"/api/v1/jobs/{job_id}/stop", "post", "202"},
            new String[] {"/api/v1/jobs", "post", "201"})) {
      assertThat(
              docs.path("paths")
                  .path(accepted[0])
                  .path(accepted[1])
                  .path("responses")
                  .path(accepted[2])
                  .path("headers")
                  .has("Location"))
          .as(String.join(" ", accepted))
          .isTrue();
    }
  }

  private static JsonNode successSchema(
      JsonNode docs, String path, String method, JsonNode schemas) {
    JsonNode schema =
        docs.path("paths")
            .path(path)
            .path(method)
            .path("responses")
            .path("200")
            .path("content")
            .path("application/json")
            .path("schema");
    return resolve(schema, schemas);
  }

  private static JsonNode resolve(JsonNode schema, JsonNode schemas) {
    String ref = schema.path("$ref").asString("");
    return ref.isEmpty() ? schema : schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
  }

  private String apiDocs() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v3/api-docs")).GET());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void answersHealthAndProbesWithoutFlinkOrKafka() throws Exception {
    HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")).GET());
    HttpResponse<String> liveness =
        send(HttpRequest.newBuilder(uri("/actuator/health/liveness")).GET());
    HttpResponse<String> readiness =
        send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).GET());

    assertThat(health.statusCode()).isEqualTo(503);
    JsonNode components = JSON.readTree(health.body()).path("components");
    assertThat(components.path("flink").path("status").asString()).isEqualTo("DOWN");
    assertThat(components.path("kafka").path("status").asString()).isEqualTo("DOWN");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(readiness.statusCode()).isEqualTo(200);
  }

  @Test
  void answersAnUnknownPathWithANotFoundProblem() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/api/v1/no-such-thing")).GET());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(response.body()).path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/not-found");
  }

  @Test
  void aPathTomcatRefusesIsAnsweredWithAProblemNotAnHtmlPage() throws Exception {
    // Refused by Tomcat before any filter runs: an encoded NUL, a broken escape, an encoded slash,
    // a character the request line may not hold. An encoded ".." is refused later, by Spring's
    // firewall, and answered by ProblemErrorController: the same document either way.
    for (String path :
        List.of(
            "/api/v1/jobs/%00",
            "/api/v1/jobs/%zz", "/api/v1/jobs/a%2Fb", "/api/v1/jobs/{x}", "/api/v1/jobs/%2e%2e")) {
      String answer = rawGet(path);
      String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      assertThat(head)
          .as(path)
          .startsWith("HTTP/1.1 400")
          .containsIgnoringCase("Content-Type: application/problem+json");
      JsonNode problem = JSON.readTree(body);
      assertThat(problem.path("type").asString())
          .isEqualTo("https://fraud-pipeline.dev/problems/validation");
      assertThat(problem.path("status").asInt()).isEqualTo(400);
      assertThat(answer).doesNotContainIgnoringCase("tomcat").doesNotContain("<html");
    }
  }

  /**
   * Probe 7: {@code ..%2F..%2Fetc} was answered with a generic "The request was not accepted: Bad
   * Request", typed {@code application/problem+json;charset=UTF-8} unlike every other problem.
   */
  @Test
  void aPathWithAnEncodedSlashIsRefusedSayingSo() throws Exception {
    String answer = rawGet("/api/v1/jobs/..%2F..%2Fetc");
    String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
    JsonNode problem = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));

    assertThat(head)
        .startsWith("HTTP/1.1 400")
        .contains("\r\nContent-Type: application/problem+json\r\n");
    assertThat(problem.path("detail").asString())
        .isEqualTo(
            "The request path holds an encoded slash (%2F), which this API refuses: a path"
                + " parameter never holds a slash");
    assertThat(problem.path("instance").asString()).isEqualTo("/api/v1/jobs/..%2F..%2Fetc");
  }

  /**
   * Probe 8: {@code /api/v1/jobs/%2e%2e} was answered with the generic "The request was not
   * accepted: Bad Request" (Spring's firewall refuses an encoded period), where an encoded slash is
   * told.
   */
  @Test
  void aPathWithAnEncodedPeriodIsRefusedSayingSo() throws Exception {
    for (String path :
        List.of(
            "/api/v1/jobs/%2e%2e",
            "/api/v1/jobs/%2E%2E",
            "/api/v1/jobs/.%2e",
            "/api/v1/jobs/%2e",
            "/api/v1/jobs/%2e%2e/cancel")) {
      JsonNode problem =
          refusedAsInvalid(
              path,
              "The request path holds an encoded period (%2E), which this API refuses: a path"
                  + " parameter is never . or .., and a period is sent as it is");
      assertThat(problem.path("instance").asString()).isEqualTo(path);
    }
  }

  /**
   * Probe 11: Tomcat decodes a query string only when a parameter is first read, and throws there;
   * every endpoint reading a parameter answered 500 {@code internal} and logged a stack trace, the
   * unauthenticated health endpoint included.
   */
  @Test
  void aQueryWithABrokenEscapeIsRefusedSayingSoNotAnInternalError(CapturedOutput output)
      throws Exception {
    for (String path :
        List.of(
            "/actuator/health?x=%ff",
            "/api/v1/events?limit=%ff",
            "/api/v1/events?%ff=1",
            "/api/v1/operations?limit=%zz",
            "/api/v1/rules/history?limit=%ff")) {
      refusedAsInvalid(
          path,
          "The query string holds a broken %-escape or one that is not UTF-8: each % must be"
              + " followed by two hex digits of a UTF-8 byte");
    }
    assertThat(output.getOut()).doesNotContain("InvalidParameterException");
  }

  @Test
  void anUnknownHealthComponentIsAnsweredWithANotFoundProblem() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/actuator/health/nope")).GET());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/not-found");
    assertThat(problem.path("instance").asString()).isEqualTo("/actuator/health/nope");
    // The components that exist still answer as the actuator does.
    assertThat(send(HttpRequest.newBuilder(uri("/actuator/health/liveness")).GET()).body())
        .contains("\"status\":\"UP\"");
  }

  /** GETs {@code path} as sent and checks it is a 400 validation problem with this detail. */
  private JsonNode refusedAsInvalid(String path, String detail) throws Exception {
    String answer = rawGet(path);
    String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
    JsonNode problem = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertThat(head)
        .as(path)
        .startsWith("HTTP/1.1 400")
        .contains("\r\nContent-Type: application/problem+json\r\n");
    assertThat(problem.path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/validation");
    assertThat(problem.path("detail").asString()).as(path).isEqualTo(detail);
    return problem;
  }

  /**
   * A GET written on the socket as given (HttpClient refuses to send a path such as "{x}"), as
   * HTTP/1.0 so that the body comes whole, not in chunks.
   */
  private String rawGet(String path) throws Exception {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
