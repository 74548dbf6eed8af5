package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command: the packaged jar, started and stopped as a user would. */
class LocalStackJarIT {

  private static final Path JAR = Path.of("target", "local-stack.jar");
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void carriesFlinksJava17ModuleFlagsSoPlainJavaJarWorks() throws IOException {
    Manifest manifest;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      manifest = jar.getManifest();
    }
    List<String> flags = new ArrayList<>();
    for (String attribute : List.of("Add-Opens", "Add-Exports")) {
      String value = manifest.getMainAttributes().getValue(attribute);
      assertThat(value).as(attribute).isNotBlank();
      String flag = "--" + attribute.toLowerCase(java.util.Locale.ROOT) + "=";
      Arrays.stream(value.trim().split("\\s+"))
          .map(p -> flag + p + "=ALL-UNNAMED")
          .forEach(flags::add);
    }
    assertThat(flags).containsExactlyInAnyOrderElementsOf(rootPomFlinkJvmFlags());
  }

  @Test
  void startsPrintsEveryUrlAndTheTokenServesThemAndStopsCleanlyOnSigterm(@TempDir Path dataDir)
      throws Exception {
    List<String> output = new CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "--api-port=0",
                "--kafka-port=0",
                "--flink-port=0",
                "--flink-metrics-port=0",
                "--data-dir=" + dataDir)
            .redirectErrorStream(true);
    for (String variable :
        List.of("KAFKA_BOOTSTRAP_SERVERS", "FLINK_REST_URL", "FRAUD_API_TOKEN", "SERVER_PORT")) {
      builder.environment().remove(variable);
    }
    Process process = builder.start();
    try {
      Thread reader = new Thread(() -> collect(process, output), "local-stack-output");
      reader.setDaemon(true);
      reader.start();

      awaitLine(process, output, "Ctrl-C stops everything");
      double readySeconds = (System.nanoTime() - started) / 1e9;
      String banner = String.join("\n", output);

      String api = find(banner, "Control API\\s+(http://localhost:\\d+)/api/v1/jobs");
      String flink = find(banner, "Flink web UI\\s+(http://localhost:\\d+)");
      String flinkMetrics = find(banner, "Flink metrics\\s+(http://localhost:\\d+/metrics)");
      String kafka = find(banner, "Kafka\\s+(localhost:\\d+)");
      String token = find(banner, "API token\\s+([0-9a-f]{64})");
      assertThat(banner)
          .contains(api + "/swagger-ui.html")
          .contains(api + "/actuator/health")
          .contains(api + "/actuator/prometheus")
          .contains(dataDir.toString());
      assertThat(Files.readString(dataDir.resolve(ApiTokenStore.FILE_NAME)).strip())
          .isEqualTo(token);

      assertThat(get(api + "/actuator/health/liveness").statusCode()).isEqualTo(200);
      assertThat(get(api + "/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
      assertThat(get(flink + "/overview").body()).contains("\"taskmanagers\":1");
      assertThat(get(flinkMetrics).body()).contains("flink_jobmanager_taskSlotsTotal");
      assertThat(canConnect(kafka)).as("Kafka listens on " + kafka).isTrue();
      assertThat(post(api + "/api/v1/jobs", "not-the-token").statusCode()).isEqualTo(401);
      assertThat(post(api + "/api/v1/jobs", token).statusCode())
          .as("the banner's token is the one the API accepts")
          .isNotIn(401, 403);

      long stopping = System.nanoTime();
      // SIGTERM: the same JVM shutdown hooks as Ctrl-C's SIGINT. (Process.destroy() would also
      // close our end of its output, losing the shutdown messages.)
      process.toHandle().destroy();
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("exits after SIGTERM").isTrue();
      double stopSeconds = (System.nanoTime() - stopping) / 1e9;
      awaitLine(process, output, "Stopped.");

      assertThatThrownBy(() -> get(api + "/actuator/health")).isInstanceOf(ConnectException.class);
      assertThatThrownBy(() -> get(flink + "/overview")).isInstanceOf(ConnectException.class);
      assertThat(canConnect(kafka)).as("Kafka stopped").isFalse();
      assertThat(process.descendants().count()).as("no child process left").isZero();
      System.out.printf(
          "local-stack.jar: banner after %.1f s (%s), stopped %.1f s after SIGTERM%n",
          readySeconds, find(banner, "(ready in [0-9.]+ s)"), stopSeconds);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  private static void collect(Process process, List<String> output) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("<output closed: " + e + ">");
    }
  }

  private static void awaitLine(Process process, List<String> output, String text)
      throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (output.stream().noneMatch(l -> l.contains(text))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no \""
                + text
                + "\" within "
                + READY_TIMEOUT
                + "; output:\n"
                + String.join("\n", output));
      }
      if (!process.isAlive() && output.stream().noneMatch(l -> l.contains(text))) {
        Thread.sleep(200); // let the reader drain the last lines
        if (output.stream().noneMatch(l -> l.contains(text))) {
          throw new AssertionError(
              "exited with "
                  + process.exitValue()
                  + " before \""
                  + text
                  + "\":\n"
                  + String.join("\n", output));
        }
      }
      Thread.sleep(100);
    }
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new AssertionError("no match for " + regex + " in:\n" + text);
    }
    return m.group(1);
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String token)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean canConnect(String hostPort) {
    String[] parts = hostPort.split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> rootPomFlinkJvmFlags() throws IOException {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    Matcher m = Pattern.compile("<flink.jvm.flags>([^<]*)</flink.jvm.flags>").matcher(pom);
    assertThat(m.find()).isTrue();
    return Arrays.asList(m.group(1).trim().split("\\s+"));
  }
}
