package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fraudpipeline.localstack.deploy.AlertRules;
import io.fraudpipeline.localstack.deploy.DashboardQueries;
import io.fraudpipeline.localstack.deploy.ExternalTool;
import io.fraudpipeline.localstack.deploy.Prerequisite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, as a user runs it: the packaged jar in its own JVM, then what its
 * banner promises, the tour with curl-like calls, a real Prometheus scraping it for every dashboard
 * query and evaluating the alerting rules, and a clean stop. One process for the class: starting it
 * is the cost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackJarIT {

  private static final Path JAR = Path.of("target", "local-stack.jar");
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

  /** Where the tour runs, as from a clone: the stack's data directory is its .fraud-pipeline/. */
  @TempDir static Path workDir;

  private static Path dataDir;
  @TempDir static Path prometheusDir;

  private static final List<String> output = new CopyOnWriteArrayList<>();
  private static Process process;
  private static HttpServer webhookReceiver;
  private static double secondsToBanner;
  private static String banner;
  private static String api;
  private static String flink;
  private static String flinkMetrics;
  private static String kafka;
  private static String token;

  @BeforeAll
  static void startTheJarAsTheReadmeSays() throws Exception {
    dataDir = workDir.resolve(".fraud-pipeline");
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                // Any free ports: several builds share CI machines. The banner says which.
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
    // A webhook receiver that takes every event, so that the webhooks' per-receiver series exist
    // (the alerting rules and the dashboard use them) and show a healthy delivery.
    webhookReceiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhookReceiver.createContext(
        "/events",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    webhookReceiver.start();
    builder
        .environment()
        .put(
            "FRAUD_WEBHOOK_URLS",
            "http://127.0.0.1:" + webhookReceiver.getAddress().getPort() + "/events");
    builder.environment().put("FRAUD_WEBHOOK_SECRET", "local-stack-jar-it");
    process = builder.start();
    Thread reader = new Thread(LocalStackJarIT::collectOutput, "local-stack-output");
    reader.setDaemon(true);
    reader.start();

    awaitLine("Ctrl-C stops everything");
    secondsToBanner = (System.nanoTime() - started) / 1e9;
    banner = String.join("\n", output);
    api = find(banner, "Control API\\s+(http://localhost:\\d+)/api/v1/jobs");
    flink = find(banner, "Flink web UI\\s+(http://localhost:\\d+)");
    flinkMetrics = find(banner, "Flink metrics\\s+(http://localhost:\\d+/metrics)");
    kafka = find(banner, "Kafka\\s+(localhost:\\d+)");
    token = find(banner, "API token\\s+([0-9a-f]{64})");
  }

  @AfterAll
  static void killIfStillRunning() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    if (webhookReceiver != null) {
      webhookReceiver.stop(0);
    }
  }

  @Test
  @Order(1)
  void carriesFlinksJava17ModuleFlagsSoPlainJavaJarWorks() throws IOException {
    Manifest manifest;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      manifest = jar.getManifest();
    }
    List<String> flags = new ArrayList<>();
    for (String attribute : List.of("Add-Opens", "Add-Exports")) {
      String value = manifest.getMainAttributes().getValue(attribute);
      assertThat(value).as(attribute).isNotBlank();
      String flag = "--" + attribute.toLowerCase(Locale.ROOT) + "=";
      Arrays.stream(value.trim().split("\\s+"))
          .map(p -> flag + p + "=ALL-UNNAMED")
          .forEach(flags::add);
    }
    assertThat(flags).containsExactlyInAnyOrderElementsOf(rootPomFlinkJvmFlags());
  }

  @Test
  @Order(2)
  void bannerListsEveryUrlAndTheTokenAndEachOneServes() throws Exception {
    System.out.printf(
        "local-stack.jar: banner after %.1f s (%s)%n",
        secondsToBanner, find(banner, "(ready in [0-9.]+ s)"));
    assertThat(banner)
        .contains(api + "/swagger-ui.html")
        .contains(api + "/actuator/health")
        .contains(api + "/actuator/prometheus")
        .contains(dataDir.toString());
    assertThat(Files.readString(dataDir.resolve(ApiTokenStore.FILE_NAME)).strip()).isEqualTo(token);

    ControlApiClient client = new ControlApiClient(api, token);
    assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
    assertThat(client.get("/v3/api-docs").status()).isEqualTo(200);
    assertThat(client.get("/actuator/prometheus").raw()).contains("jvm_memory_used_bytes");
    assertThat(new ControlApiClient(flink, token).get("/overview").raw())
        .contains("\"taskmanagers\":1");
    assertThat(new ControlApiClient(flinkMetrics, token).get("").raw())
        .contains("flink_jobmanager_taskSlotsTotal");
    assertThat(canConnect(kafka)).as("Kafka listens on " + kafka).isTrue();

    assertThat(new ControlApiClient(api, "not-the-token").post("/api/v1/jobs", "{}").status())
        .isEqualTo(401);
  }

  /**
   * The tour of the README, run by bash as written (deploy, a producer run, alerts, a live rule
   * change, lag and metrics, stop with savepoint and resume), then a real Prometheus scraping the
   * stack with the repository's scrape configuration until every query of the Grafana dashboard
   * returns a series, every metric the alerting rules name has one, and, the stack healthy,
   * Prometheus evaluates every rule without error and no alert is pending or firing.
   */
  @Test
  @Order(3)
  void readmeTourRunsAsWrittenEveryDashboardQueryReturnsDataAndNoAlertFires() throws Exception {
    ControlApiClient client = new ControlApiClient(api, token);
    Prerequisite.require(
        client.get("/actuator/info").body().at("/fraud_job/embedded").asBoolean(false),
        "the control-api does not embed the fraud-job jar");
    ExternalTool bash = Prerequisite.tool("bash", ".ci/run installs it");
    Prerequisite.tool("curl", ".ci/run installs it");
    Prerequisite.tool("jq", ".ci/run installs it");
    ExternalTool prometheusBinary = Prerequisite.tool("prometheus", ".ci/run installs it");

    ReadmeTour.Result tour = ReadmeTour.run(bash.executable(), workDir, api);
    System.out.println("README tour output:\n" + tour.output());
    assertThat(tour.exitCode()).as(tour.output()).isZero();
    // The only command allowed to fail is the alert stream that --max-time cuts off (exit 28).
    assertThat(tour.failedCommands())
        .as(tour.output())
        .allSatisfy(failed -> assertThat(failed).contains("(28)").contains("alerts/stream"));
    assertThat(tour.output())
        .as("no request was refused")
        .doesNotContainPattern("\"status\": [45][0-9][0-9]")
        .contains("\"amount_threshold\": 3000")
        .contains("fraud_job_state")
        .contains("\"state\": \"COMPLETED\"");

    // What the tour set in motion, checked through the API: the change applied, alerts
    // committed, and the job resumed from the savepoint running.
    long version = client.get("/api/v1/rules").body().path("version").asLong();
    assertThat(version).isPositive();
    await("the job applies rules version " + version)
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> client.get("/api/v1/rules").body().path("applied_version").asLong(-1) == version);
    await("committed alerts")
        .atMost(Duration.ofMinutes(2))
        .until(() -> client.get("/api/v1/alerts?limit=5").body().path("count").asInt(0) > 0);
    await("the resumed job runs")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> client.get("/api/v1/jobs").body().at("/jobs/0/state").asString(""),
            "RUNNING"::equals);
    assertThat(client.get("/api/v1/topics/lag").status()).isEqualTo(200);

    try (LocalPrometheus prometheus =
        LocalPrometheus.start(
            prometheusBinary.executable(),
            prometheusDir,
            Map.of(
                "control-api", List.of(hostPort(api)),
                // The local Flink is one JVM: one reporter serves JobManager and TaskManager.
                "flink-jobmanager", List.of(hostPort(flinkMetrics)),
                "flink-taskmanager", List.of(hostPort(flinkMetrics))))) {
      List<DashboardQueries.Query> queries = DashboardQueries.load().queries();
      awaitNoProblems(
          "every dashboard query returns a series",
          Duration.ofMinutes(3),
          () -> {
            List<String> empty = new ArrayList<>();
            for (DashboardQueries.Query query : queries) {
              if (prometheus.seriesCount(query.expr()) == 0) {
                empty.add(query.panelTitle() + " [" + query.refId() + "] " + query.expr());
              }
            }
            if (!empty.isEmpty()) {
              empty.add("targets: " + prometheus.targets());
            }
            return empty;
          });

      long alertChecks = System.nanoTime();
      // The rules name only metrics the control-api exports (and Prometheus' own up): none of them
      // is a series that appears only in some states (a counter of an action not taken yet).
      awaitNoProblems(
          "every metric of the alerting rules has a series",
          Duration.ofMinutes(1),
          () -> {
            List<String> missing = new ArrayList<>();
            for (String name : AlertRules.load().metricNames()) {
              if (prometheus.seriesCount("{__name__=\"" + name + "\"}") == 0) {
                missing.add(name);
              }
            }
            return missing;
          });
      // Rules are evaluated every 5 s here: a condition true after the tour (lag of its producer
      // run) clears within the wait, while one that holds in a healthy stack fails it.
      awaitNoProblems(
          "in the healthy local stack, every rule evaluated and no alert pending or firing",
          Duration.ofMinutes(2),
          () -> {
            List<String> problems = new ArrayList<>(prometheus.rulesNotEvaluatedWell());
            problems.addAll(prometheus.activeAlerts());
            return problems;
          });
      System.out.printf(
          "local-stack.jar: alerting rules checked in %.1f s%n",
          (System.nanoTime() - alertChecks) / 1e9);
    }
  }

  @Test
  @Order(4)
  void sigtermStopsTheControlApiFlinkAndKafkaAndTheJvmExits() throws Exception {
    long stopping = System.nanoTime();
    // SIGTERM runs the same JVM shutdown hooks as Ctrl-C's SIGINT. (Process.destroy() would
    // also close our end of its output, losing the shutdown messages.)
    process.toHandle().destroy();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("exits after SIGTERM").isTrue();
    System.out.printf(
        "local-stack.jar: stopped %.1f s after SIGTERM%n", (System.nanoTime() - stopping) / 1e9);
    awaitLine("Stopped.");
    // Flink's REST endpoint waits, before it stops, until every asynchronous operation's result
    // (a checkpoint the control plane asked for after the tour's rule change, say) has been read.
    assertThat(output)
        .as("Flink stopped in time: no result of a request it answered was left unread")
        .noneMatch(line -> line.contains("Flink did not stop within"));

    ControlApiClient client = new ControlApiClient(api, token);
    assertThatThrownBy(() -> client.get("/actuator/health")).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> new ControlApiClient(flink, token).get("/overview"))
        .isInstanceOf(ConnectException.class);
    assertThat(canConnect(kafka)).as("Kafka stopped").isFalse();
    assertThat(process.descendants().count()).as("no child process left").isZero();
  }

  /** What is still wrong, one line each; empty when all is well. */
  @FunctionalInterface
  private interface Problems {
    List<String> find() throws Exception;
  }

  /** Awaits until {@code problems} finds none; fails with the last ones found. */
  private static void awaitNoProblems(String what, Duration atMost, Problems problems) {
    List<String> last = new CopyOnWriteArrayList<>();
    try {
      await(what)
          .atMost(atMost)
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                List<String> found = problems.find();
                last.clear();
                last.addAll(found);
                return found.isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          what + ": not within " + atMost + ":\n  " + String.join("\n  ", last), e);
    }
  }

  private static void collectOutput() {
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

  private static void awaitLine(String text) throws InterruptedException {
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
      if (!process.isAlive()) {
        Thread.sleep(500); // let the reader drain the last lines
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

  private static String hostPort(String url) {
    return url.replaceFirst("^http://", "").replaceFirst("/.*$", "");
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
