package io.fraudpipeline.control.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API over real HTTP, as ops tooling calls it. */
public final class ApiClient {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  /** A response with its body parsed as JSON (a missing node when the body is not JSON). */
  public record Reply(int status, Map<String, java.util.List<String>> headers, String body) {

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (RuntimeException e) {
        return JSON.missingNode();
      }
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    /** The problem's type slug, e.g. {@code precondition-failed}. */
    public String problemType() {
      String type = json().path("type").asString("");
      return type.substring(type.lastIndexOf('/') + 1);
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public ApiClient(int port, String token) {
    this.base = "http://localhost:" + port;
    this.token = token;
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Reply delete(String path) {
    return send(authorized(path).DELETE());
  }

  /** A write with the bearer token, a body and extra headers (name, value, name, value...). */
  public Reply write(
      String method, String path, String contentType, String body, String... headers) {
    return writeBytes(method, path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** {@link #write}, the body as bytes (e.g. ones that are not UTF-8). */
  public Reply writeBytes(
      String method, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder request =
        authorized(path)
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  /** {@link #write}, the body streamed without a declared length (chunked). */
  public Reply writeChunked(String method, String path, String contentType, byte[] body) {
    return send(
        authorized(path)
            .header("Content-Type", contentType)
            .method(
                method,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
  }

  public Reply writeWithoutToken(String method, String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token)
        .timeout(Duration.ofMinutes(3));
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
