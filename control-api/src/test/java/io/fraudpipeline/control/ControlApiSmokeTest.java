package io.fraudpipeline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The skeleton answers like the product: problems for refusals, open docs and health. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.security.api-token=smoke-test-token-0123456789",
      // Nothing listens here: health reports Flink and Kafka as they are, the app still starts.
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "spring.kafka.bootstrap-servers=127.0.0.1:9",
      // Topic set-up at start-up waits this long for the absent broker.
      "spring.kafka.admin.operation-timeout=2s"
    })
class ControlApiSmokeTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @Test
  void refusesAWriteWithoutTokenAsProblemJson() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/unauthorized");
    assertThat(problem.path("status").asInt()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("smoke-test-token").doesNotContain("at io.");
  }

  @Test
  void refusesAWrongTokenAndSaysSo() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/api/v1/jobs"))
                .header("Authorization", "Bearer not-the-token")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("detail").asString()).contains("not valid");
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
  }

  @Test
  void answersHealthAndProbes() throws Exception {
    HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")).GET());
    HttpResponse<String> liveness =
        send(HttpRequest.newBuilder(uri("/actuator/health/liveness")).GET());

    assertThat(health.statusCode()).isIn(200, 503);
    assertThat(JSON.readTree(health.body()).has("status")).isTrue();
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(liveness.body()).path("status").asString()).isEqualTo("UP");
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
  void answersWrongMethodsAndMediaTypesWithProblems() throws Exception {
    HttpResponse<String> wrongMethod =
        send(
            HttpRequest.newBuilder(uri("/api/v1/jobs"))
                .header("Authorization", "Bearer smoke-test-token-0123456789")
                .DELETE());
    HttpResponse<String> wrongType =
        send(
            HttpRequest.newBuilder(uri("/api/v1/jobs"))
                .header("Authorization", "Bearer smoke-test-token-0123456789")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("parallelism=2")));

    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(JSON.readTree(wrongMethod.body()).path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/method-not-allowed");
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(wrongType.body()).path("type").asString())
        .isEqualTo("https://fraud-pipeline.dev/problems/unsupported-media-type");
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
