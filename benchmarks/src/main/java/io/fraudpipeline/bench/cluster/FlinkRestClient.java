package io.fraudpipeline.bench.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few calls of Flink's REST API the benchmarks need, over HTTP exactly as the control plane
 * makes them: upload a jar, run it, watch a job, cancel it, stop it with a savepoint.
 */
public final class FlinkRestClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String baseUrl;
  private final HttpClient http;

  public FlinkRestClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Uploads a jar; returns its id for {@link #run}. */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "----bench" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    JsonNode response = send(request);
    String fileName = response.path("filename").asString("");
    if (fileName.isEmpty()) {
      throw new IllegalStateException("jar upload answered without a file name: " + response);
    }
    return Path.of(fileName).getFileName().toString();
  }

  /**
   * Runs an uploaded jar.
   *
   * @param savepointPath a savepoint to start from, or null
   * @param flinkConfiguration Flink settings for this job only (may be empty)
   * @return the job id
   */
  public String run(
      String jarId,
      String entryClass,
      List<String> args,
      int parallelism,
      String savepointPath,
      Map<String, String> flinkConfiguration)
      throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entryClass", entryClass);
    body.put("programArgsList", args);
    body.put("parallelism", parallelism);
    if (savepointPath != null) {
      body.put("savepointPath", savepointPath);
    }
    if (!flinkConfiguration.isEmpty()) {
      body.put("flinkConfiguration", flinkConfiguration);
    }
    JsonNode response = send(post("/jars/" + jarId + "/run", body));
    String jobId = response.path("jobid").asString("");
    if (jobId.isEmpty()) {
      throw new IllegalStateException("jar run answered without a job id: " + response);
    }
    return jobId;
  }

  /** The job's state and whether every one of its tasks is running. */
  public JobStatus status(String jobId) throws IOException, InterruptedException {
    JsonNode job = send(get("/jobs/" + jobId));
    boolean allRunning = true;
    int vertices = 0;
    for (JsonNode vertex : job.path("vertices")) {
      vertices++;
      if (!"RUNNING".equals(vertex.path("status").asString(""))) {
        allRunning = false;
      }
    }
    return new JobStatus(job.path("state").asString("UNKNOWN"), vertices > 0 && allRunning);
  }

  /**
   * Waits until every task of the job runs, polling every 10 ms.
   *
   * @return the nano time at which it was first seen running
   */
  public long awaitAllTasksRunning(String jobId, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JobStatus status = status(jobId);
      if (status.allTasksRunning()) {
        return System.nanoTime();
      }
      if (status.terminal()) {
        throw new IllegalStateException("job " + jobId + " ended as " + status.state());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "job " + jobId + " not running after " + timeout + " (" + status.state() + ")");
      }
      Thread.sleep(10);
    }
  }

  /** Cancels the job and waits until it has ended. */
  public void cancel(String jobId) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "?mode=cancel"))
            .timeout(REQUEST_TIMEOUT)
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException("cancel " + jobId + ": HTTP " + response.statusCode());
    }
    awaitTerminal(jobId, Duration.ofSeconds(60));
  }

  /**
   * Stops the job with a savepoint and waits for it.
   *
   * @return the savepoint's location
   */
  public String stopWithSavepoint(String jobId, Duration timeout)
      throws IOException, InterruptedException {
    JsonNode trigger = send(post("/jobs/" + jobId + "/stop", Map.of("drain", false)));
    String requestId = trigger.path("request-id").asString("");
    if (requestId.isEmpty()) {
      throw new IllegalStateException("stop-with-savepoint answered without an id: " + trigger);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode status = send(get("/jobs/" + jobId + "/savepoints/" + requestId));
      if ("COMPLETED".equals(status.path("status").path("id").asString(""))) {
        JsonNode operation = status.path("operation");
        String location = operation.path("location").asString("");
        if (location.isEmpty()) {
          throw new IllegalStateException(
              "savepoint of " + jobId + " failed: " + operation.path("failure-cause"));
        }
        awaitTerminal(jobId, timeout);
        return location;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no savepoint of " + jobId + " within " + timeout);
      }
      Thread.sleep(10);
    }
  }

  private void awaitTerminal(String jobId, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!status(jobId).terminal()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + jobId + " did not end within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(REQUEST_TIMEOUT)
        .GET()
        .build();
  }

  private HttpRequest post(String path, Object body) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
        .build();
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    return JsonExchange.send(http, request);
  }

  /**
   * What Flink says about a job.
   *
   * @param state the job state (RUNNING, FINISHED, CANCELED, FAILED, ...)
   * @param allTasksRunning every task of the job has reached RUNNING
   */
  public record JobStatus(String state, boolean allTasksRunning) {

    /** The job has ended for good. */
    public boolean terminal() {
      return switch (state) {
        case "FINISHED", "CANCELED", "FAILED", "SUSPENDED" -> true;
        default -> false;
      };
    }
  }
}
