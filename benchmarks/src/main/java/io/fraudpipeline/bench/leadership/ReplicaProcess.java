package io.fraudpipeline.bench.leadership;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One control-plane replica: control-api's executable jar in a JVM of its own, sharing a Kafka with
 * the other replicas. Its Flink is unreachable on purpose: the election does not need one.
 */
public final class ReplicaProcess implements AutoCloseable {

  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();

  private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*true");
  private static final Pattern MEMBER = Pattern.compile("\"member\"\\s*:\\s*true");

  private final String id;
  private final Process process;
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private ReplicaProcess(String id, Process process, String baseUrl) {
    this.id = id;
    this.process = process;
    this.baseUrl = baseUrl;
  }

  static ReplicaProcess start(
      Path jar, String bootstrapServers, String prefix, String id, Duration session, Path logDir)
      throws IOException {
    return start(jar, bootstrapServers, "http://127.0.0.1:9", null, prefix, id, session, logDir);
  }

  /**
   * A replica managing the given Flink, with the given API token (null: writes refused), its
   * reconciler polling every 500 ms.
   */
  public static ReplicaProcess start(
      Path jar,
      String bootstrapServers,
      String flinkRestUrl,
      String token,
      String prefix,
      String id,
      Duration session,
      Path logDir)
      throws IOException {
    return start(
        jar, bootstrapServers, flinkRestUrl, token, prefix, id, session, logDir, List.of());
  }

  /** As above, with more control-api settings ({@code --name=value}). */
  public static ReplicaProcess start(
      Path jar,
      String bootstrapServers,
      String flinkRestUrl,
      String token,
      String prefix,
      String id,
      Duration session,
      Path logDir,
      List<String> settings)
      throws IOException {
    int port = freePort();
    Files.createDirectories(logDir);
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toAbsolutePath().toString(),
                "--fraud.topics.leadership=" + prefix + "leadership",
                "--fraud.leadership.group-id=" + prefix + "control-plane",
                "--fraud.leadership.replica-id=" + id,
                "--fraud.leadership.session-timeout=" + session.toMillis() + "ms",
                "--fraud.topics.transactions=" + prefix + "transactions",
                "--fraud.topics.fraud-alerts=" + prefix + "fraud-alerts",
                "--fraud.topics.transactions-dlq=" + prefix + "transactions-dlq",
                "--fraud.topics.fraud-rules=" + prefix + "fraud-rules",
                "--fraud.topics.savepoints=" + prefix + "fraud-savepoints",
                "--fraud.topics.rules-history=" + prefix + "fraud-rules-history",
                "--fraud.topics.operations=" + prefix + "operations",
                "--fraud.topics.pipeline=" + prefix + "pipeline",
                "--fraud.topics.pipeline-status=" + prefix + "pipeline-status",
                "--fraud.topics.events=" + prefix + "events",
                "--fraud.reconciler.interval=500ms"));
    command.addAll(settings);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logDir.resolve(id + ".log").toFile());
    builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    builder.environment().put("FLINK_REST_URL", flinkRestUrl);
    if (token != null) {
      builder.environment().put("FRAUD_API_TOKEN", token);
    }
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    return new ReplicaProcess(id, builder.start(), "http://localhost:" + port);
  }

  public String id() {
    return id;
  }

  /** Whether the replica answers that it leads; false when it does not answer. */
  boolean leads() {
    return LEADER.matcher(get("/api/v1/leadership")).find();
  }

  /** Waits until the replica answers that it leads (it started and won the election). */
  public void awaitLeading(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!leads()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("replica " + id + " did not lead within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  /** Whether it has joined the election's group (its health says so). */
  public boolean isMember() {
    return MEMBER.matcher(get("/actuator/health")).find();
  }

  /** The epoch it reports, or -1. */
  long epoch() {
    Matcher m = Pattern.compile("\"epoch\"\\s*:\\s*(\\d+)").matcher(get("/api/v1/leadership"));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private String get(String path) {
    if (!process.isAlive()) {
      throw new IllegalStateException("replica " + id + " exited with " + process.exitValue());
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** SIGSTOP ({@code freeze = true}) or SIGCONT: every thread of the JVM stops or resumes. */
  void signal(boolean freeze) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", freeze ? "-STOP" : "-CONT", Long.toString(process.pid()))
            .inheritIO()
            .start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill " + (freeze ? "-STOP" : "-CONT") + " failed");
    }
  }

  /** {@code GET path} as JSON; an empty object when the replica does not answer. */
  public tools.jackson.databind.JsonNode json(String path) {
    String body = get(path);
    return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
  }

  /** Whether the pipeline status says this replica took the last reconciliation step. */
  boolean acts() {
    return id.equals(
        json("/api/v1/pipeline").path("status").path("last_step").path("replica").asString(""));
  }

  public String baseUrl() {
    return baseUrl;
  }

  /**
   * A write with the API token: {@code method path} with a JSON body.
   *
   * @return the answer, whatever its status
   */
  public HttpResponse<String> write(
      String method, String path, String json, String token, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofMinutes(3))
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Whether it answers at all (a stopped JVM does not). */
  boolean answers() {
    return !get("/api/v1/leadership").isEmpty();
  }

  /** SIGKILL: no shutdown hook runs, the consumer does not leave its group. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      kill();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
