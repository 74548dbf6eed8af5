package io.fraudpipeline.bench.control;

import io.fraudpipeline.bench.cluster.BenchCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The control plane (control-api's executable jar) as a process of its own, managing the benchmark
 * cluster's Kafka and Flink as it would external ones, with the benchmark's own topic names.
 */
public final class ControlPlaneProcess implements AutoCloseable {

  /** The topics the control plane and its job use here (created before it starts). */
  public record CpTopics(
      String transactions,
      String alerts,
      String dlq,
      String rules,
      String savepoints,
      String history) {

    /** The topic names the control plane uses by default. */
    public static CpTopics defaults() {
      return withPrefix("");
    }

    static CpTopics withPrefix(String prefix) {
      return new CpTopics(
          prefix + "transactions",
          prefix + "fraud-alerts",
          prefix + "transactions-dlq",
          prefix + "fraud-rules",
          prefix + "fraud-savepoints",
          prefix + "fraud-rules-history");
    }
  }

  private final Process process;
  private final String baseUrl;
  private final String token;
  private final CpTopics topics;
  private final Duration startup;

  private ControlPlaneProcess(
      Process process, String baseUrl, String token, CpTopics topics, Duration startup) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.token = token;
    this.topics = topics;
    this.startup = startup;
  }

  /**
   * Starts the control plane and waits until its health endpoint answers.
   *
   * @param checkpointInterval the checkpoint interval of the jobs it deploys
   */
  public static ControlPlaneProcess start(
      Path jar, BenchCluster cluster, Duration checkpointInterval, Path logFile, int partitions)
      throws IOException, InterruptedException {
    CpTopics topics = CpTopics.withPrefix("cp-");
    cluster.createTopic(topics.transactions(), partitions, Map.of());
    // Append times on the alerts, for the latency of rule changes.
    cluster.createTopic(topics.alerts(), partitions, BenchCluster.LOG_APPEND_TIME);
    return start(
        jar,
        cluster.bootstrapServers(),
        cluster.flinkRestUrl(),
        topics,
        List.of(
            "--fraud.topics.partitions=" + partitions,
            "--fraud.job.checkpoint-interval=" + checkpointInterval.toMillis() + "ms"),
        logFile);
  }

  /**
   * Starts a control plane managing the Kafka and Flink clusters at these addresses, as a
   * deployment points one at external clusters, and waits until its health endpoint answers.
   *
   * @param settings further {@code --name=value} settings (docs/configuration.md)
   */
  public static ControlPlaneProcess start(
      Path jar,
      String bootstrapServers,
      String flinkRestUrl,
      CpTopics topics,
      List<String> settings,
      Path logFile)
      throws IOException, InterruptedException {
    int port = freePort();
    String token = UUID.randomUUID().toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.add("--fraud.topics.transactions=" + topics.transactions());
    command.add("--fraud.topics.fraud-alerts=" + topics.alerts());
    command.add("--fraud.topics.transactions-dlq=" + topics.dlq());
    command.add("--fraud.topics.fraud-rules=" + topics.rules());
    command.add("--fraud.topics.savepoints=" + topics.savepoints());
    command.add("--fraud.topics.rules-history=" + topics.history());
    command.addAll(settings);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
    Map<String, String> env = builder.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("FLINK_REST_URL", flinkRestUrl);
    env.put("SERVER_PORT", Integer.toString(port));
    env.put("FRAUD_API_TOKEN", token);
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    long started = System.nanoTime();
    Process process = builder.start();
    String baseUrl = "http://localhost:" + port;
    try {
      // On 2 cores shared with other builds a replica has been seen to need 2.5 min to start.
      awaitHealthy(process, baseUrl, Duration.ofMinutes(6));
    } catch (IOException | InterruptedException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return new ControlPlaneProcess(
        process, baseUrl, token, topics, Duration.ofNanos(System.nanoTime() - started));
  }

  private static void awaitHealthy(Process process, String baseUrl, Duration timeout)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the control plane exited with " + process.exitValue() + " (see its log)");
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the control plane was not healthy within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The process id, for {@code kill -9}. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9} ({@link Process#destroyForcibly()} sends SIGKILL on Linux). */
  public void kill9() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  public ControlPlaneClient client() {
    return new ControlPlaneClient(baseUrl, token);
  }

  public String baseUrl() {
    return baseUrl;
  }

  public CpTopics topics() {
    return topics;
  }

  /** From process start until its health endpoint answered 200. */
  public Duration startup() {
    return startup;
  }

  /** Resident and peak resident memory of the process, in bytes, from /proc. */
  public long[] residentMemory() throws IOException {
    long rss = 0;
    long peak = 0;
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        peak = kib(line);
      }
    }
    return new long[] {rss, peak};
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
