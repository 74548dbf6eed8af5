package io.fraudpipeline.control.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls the control plane over HTTP, as ops tooling would; answers with parsed JSON bodies. */
public final class ControlApiClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String token;

  public ControlApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** One answer: status, headers and the body parsed as JSON (null when empty). */
  public record Response(int status, HttpResponse<String> raw, JsonNode body) {
    public Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    public String contentType() {
      return header("Content-Type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), false);
  }

  /** A GET with the given headers (e.g. Accept). */
  public Response get(String path, java.util.Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    headers.forEach(request::header);
    return send(request, false);
  }

  /** A POST with the bearer token. */
  public Response post(String path, String json) {
    return send(jsonRequest(path, json), true);
  }

  /** A POST with the bearer token and another content type. */
  public Response post(String path, String body, String contentType) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        true);
  }

  /** A PUT of JSON with the bearer token and the given headers (e.g. If-Match). */
  public Response put(String path, String json, java.util.Map<String, String> headers) {
    return withBody("PUT", path, json, "application/json", headers);
  }

  /** A JSON merge patch (RFC 7396) with the bearer token and the given headers. */
  public Response patch(String path, String json, java.util.Map<String, String> headers) {
    return withBody("PATCH", path, json, "application/merge-patch+json", headers);
  }

  private Response withBody(
      String method,
      String path,
      String body,
      String contentType,
      java.util.Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return send(request, true);
  }

  /** A DELETE with the bearer token. */
  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE(), true);
  }

  /** A POST without any token. */
  public Response postAnonymously(String path, String json) {
    return send(jsonRequest(path, json), false);
  }

  private HttpRequest.Builder jsonRequest(String path, String json) {
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .POST(
            json == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
  }

  private Response send(HttpRequest.Builder request, boolean authenticated) {
    if (authenticated) {
      request.header("Authorization", "Bearer " + token);
    }
    request.timeout(Duration.ofMinutes(3));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      JsonNode json =
          body == null || body.isBlank() || !body.strip().matches("(?s)^[\\[{].*")
              ? null
              : JSON.readTree(body);
      return new Response(response.statusCode(), response, json);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }
}
