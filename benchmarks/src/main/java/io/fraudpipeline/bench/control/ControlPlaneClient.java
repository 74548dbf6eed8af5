package io.fraudpipeline.bench.control;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The control plane's REST API, as ops tooling calls it (bearer token on writes). */
public final class ControlPlaneClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(150);

  private final String baseUrl;
  private final String token;
  private final HttpClient http = HttpClient.newHttpClient();

  ControlPlaneClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /**
   * {@code POST /api/v1/jobs}.
   *
   * @param savepointPath restore from this savepoint, or null
   * @return the new job's id
   */
  public String deploy(int parallelism, boolean exactlyOnce, String savepointPath)
      throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("parallelism", parallelism);
    body.put("delivery_guarantee", exactlyOnce ? "exactly-once" : "at-least-once");
    if (savepointPath != null) {
      body.put("restore", Map.of("savepoint_path", savepointPath));
    }
    return send(write("POST", "/api/v1/jobs", "application/json", json(body), null))
        .path("job_id")
        .asString();
  }

  /**
   * {@code POST /api/v1/jobs/{id}/stop}, then {@code GET /api/v1/operations/{id}} until done.
   *
   * @return the savepoint path
   */
  public String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
    JsonNode operation =
        awaitOperation(
            send(write("POST", "/api/v1/jobs/" + jobId + "/stop", "application/json", "{}", null)));
    return operation.path("savepoint_path").asString();
  }

  /** {@code POST /api/v1/jobs/{id}/cancel}, then waits for the operation. */
  public void cancel(String jobId) throws IOException, InterruptedException {
    awaitOperation(
        send(write("POST", "/api/v1/jobs/" + jobId + "/cancel", "application/json", "{}", null)));
  }

  /** The current rule set's version ({@code GET /api/v1/rules}). */
  public long rulesVersion() throws IOException, InterruptedException {
    return send(get("/api/v1/rules")).path("version").asLong();
  }

  /**
   * {@code PATCH /api/v1/rules} with a JSON merge patch of the amount threshold, based on {@code
   * version}.
   *
   * @return the new version
   */
  public long patchAmountThreshold(long version, String threshold)
      throws IOException, InterruptedException {
    return patchRules(version, "{\"amount_threshold\": " + threshold + "}");
  }

  /**
   * {@code PATCH /api/v1/rules} with a JSON merge patch (RFC 7396), based on {@code version}.
   *
   * @return the new version
   */
  public long patchRules(long version, String mergePatch) throws IOException, InterruptedException {
    long next =
        send(write(
                "PATCH",
                "/api/v1/rules",
                "application/merge-patch+json",
                mergePatch,
                "\"" + version + "\""))
            .path("version")
            .asLong();
    if (next != version + 1) {
      throw new IllegalStateException(
          "PATCH /api/v1/rules based on version " + version + " answered version " + next);
    }
    return next;
  }

  /** {@code GET /api/v1/leadership}: whether this replica says it leads. */
  public boolean leads() throws IOException, InterruptedException {
    return send(get("/api/v1/leadership")).path("leader").asBoolean();
  }

  /** The status {@code GET /actuator/health} answers with. */
  public int healthStatus() throws IOException, InterruptedException {
    return http.send(get("/actuator/health"), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private JsonNode awaitOperation(JsonNode operation) throws IOException, InterruptedException {
    String id = operation.path("id").asString();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    JsonNode current = operation;
    while ("IN_PROGRESS".equals(current.path("state").asString())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("operation " + id + " still in progress: " + current);
      }
      Thread.sleep(10);
      current = send(get("/api/v1/operations/" + id));
    }
    if (!"COMPLETED".equals(current.path("state").asString())) {
      throw new IllegalStateException("operation " + id + " failed: " + current);
    }
    return current;
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET().build();
  }

  private HttpRequest write(
      String method, String path, String contentType, String body, String ifMatch) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return request.build();
  }

  /**
   * The response body as JSON.
   *
   * @throws IllegalStateException for any status of 300 or more, with the method, path and body
   */
  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          request.method()
              + " "
              + request.uri().getPath()
              + ": HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
    return JSON.readTree(response.body());
  }

  private static String json(Object body) {
    return JSON.writeValueAsString(body);
  }
}
