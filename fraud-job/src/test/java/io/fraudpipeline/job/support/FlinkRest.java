package io.fraudpipeline.job.support;

import io.fraudpipeline.model.FraudJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.apache.flink.api.common.JobID;
import tools.jackson.databind.JsonNode;

/** Reads a job's state and metrics over Flink's REST API, as the control plane does. */
public final class FlinkRest {

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public FlinkRest(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  public JsonNode get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + path + " -> " + response.statusCode() + " " + response.body());
      }
      return FraudJson.mapper().readTree(response.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("GET " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The id of the job vertex (operator chain) whose name contains {@code operatorName}. */
  public String vertexOf(JobID job, String operatorName) {
    for (JsonNode vertex : get("/jobs/" + job).get("vertices")) {
      if (vertex.get("name").asString().contains(operatorName)) {
        return vertex.get("id").asString();
      }
    }
    throw new IllegalStateException("no vertex contains operator " + operatorName);
  }

  /** The minimum of a metric over all subtasks of a vertex; empty while not reported yet. */
  public OptionalDouble subtaskMin(JobID job, String vertexId, String metric) {
    JsonNode metrics =
        get(
            "/jobs/"
                + job
                + "/vertices/"
                + vertexId
                + "/subtasks/metrics?get="
                + metric
                + "&agg=min");
    for (JsonNode m : metrics) {
      if (metric.equals(m.get("id").asString()) && m.has("min")) {
        return OptionalDouble.of(m.get("min").asDouble());
      }
    }
    return OptionalDouble.empty();
  }

  /** One subtask's value of an operator metric: {@code <subtask>.<operator>.<metric>}. */
  public OptionalDouble subtaskValue(JobID job, String vertexId, int subtask, String metric) {
    String id = subtask + "." + metric;
    for (JsonNode m : get("/jobs/" + job + "/vertices/" + vertexId + "/metrics?get=" + id)) {
      if (id.equals(m.get("id").asString())) {
        return OptionalDouble.of(Double.parseDouble(m.get("value").asString()));
      }
    }
    return OptionalDouble.empty();
  }

  /** The sum of a metric over all subtasks of a vertex; empty while not reported yet. */
  public OptionalDouble subtaskSum(JobID job, String vertexId, String metric) {
    JsonNode metrics =
        get(
            "/jobs/"
                + job
                + "/vertices/"
                + vertexId
                + "/subtasks/metrics?get="
                + metric
                + "&agg=sum");
    for (JsonNode m : metrics) {
      if (metric.equals(m.get("id").asString()) && m.has("sum")) {
        return OptionalDouble.of(m.get("sum").asDouble());
      }
    }
    return OptionalDouble.empty();
  }

  /** The job-level {@code numRestarts} metric, once the REST API reports it. */
  public long numRestarts(JobID job) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> jobMetric(job, "numRestarts"), v -> v != null)
        .longValue();
  }

  private Long jobMetric(JobID job, String name) {
    for (JsonNode m : get("/jobs/" + job + "/metrics?get=" + name)) {
      if (name.equals(m.get("id").asString())) {
        return Long.parseLong(m.get("value").asString());
      }
    }
    return null;
  }

  public String state(JobID job) {
    return get("/jobs/" + job).get("state").asString();
  }
}
