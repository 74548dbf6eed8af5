package io.fraudpipeline.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** curl, in Java: the calls ops tooling makes against the control-api. */
final class ControlApiClient {

  /** A status, the headers that matter here and the body as JSON (missing node if none). */
  record Reply(int status, String etag, JsonNode body, String raw) {}

  // A first request (e.g. the OpenAPI document) can be slow on a busy CI machine.
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;
  private final String token;

  ControlApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  Reply post(String path, String json) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply mergePatch(String path, String ifMatch, String json)
      throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/merge-patch+json")
            .header("If-Match", ifMatch)
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT);
  }

  private static Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    String body = response.body();
    JsonNode json;
    try {
      json = body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
    } catch (RuntimeException notJson) {
      json = JSON.missingNode();
    }
    return new Reply(
        response.statusCode(), response.headers().firstValue("ETag").orElse(null), json, body);
  }
}
