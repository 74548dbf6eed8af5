package io.fraudpipeline.bench.cluster;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One JSON request/response of the harness's REST clients (Flink, the control plane). */
public final class JsonExchange {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonExchange() {}

  /**
   * The response body as JSON.
   *
   * @throws IllegalStateException for any status of 300 or more, with the method, path and body
   */
  public static JsonNode send(HttpClient http, HttpRequest request)
      throws IOException, InterruptedException {
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
}
