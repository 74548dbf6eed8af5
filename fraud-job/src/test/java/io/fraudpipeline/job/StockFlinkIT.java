package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.job.support.FlinkRest;
import io.fraudpipeline.job.support.KafkaTestClient;
import io.fraudpipeline.job.support.SharedKafka;
import io.fraudpipeline.job.support.StockFlinkMain;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.DlqHeaders;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged jar on a Flink cluster that has nothing but Flink on its class path (a separate JVM,
 * like a stock distribution with an untouched lib/): uploaded and run over the REST API as the
 * control plane does, it judges transactions and dead-letters garbage. A class missing from the jar
 * would fail the job here, where the test JVM's own class path cannot stand in for it.
 */
class StockFlinkIT {

  /** Jars a stock Flink distribution does not have; the job jar must bring what it needs. */
  private static final List<String> NOT_IN_FLINK =
      List.of(
          "/org/apache/kafka/",
          "/flink-connector-kafka",
          "/tools/jackson/",
          "/com/fasterxml/jackson/",
          "fraud-model",
          "fraud-job/target/classes",
          "fraud-job-0.1.0-SNAPSHOT.jar");

  private static Process flinkProcess;
  private static String restUrl;

  @BeforeAll
  static void startStockFlink() throws Exception {
    List<String> classPath = new ArrayList<>();
    // Surefire/failsafe start tests through a manifest-only jar; the real class path is here.
    String testClassPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : testClassPath.split(File.pathSeparator)) {
      String normalized = entry.replace('\\', '/');
      if (NOT_IN_FLINK.stream().noneMatch(normalized::contains)) {
        classPath.add(entry);
      }
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.addAll(Arrays.asList(System.getProperty("flink.jvm.flags", "").trim().split("\\s+")));
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(StockFlinkMain.class.getName());
    command.removeIf(String::isBlank);
    long starting = System.nanoTime();
    flinkProcess = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(flinkProcess.getInputStream(), StandardCharsets.UTF_8));
    List<String> before = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("REST ")) {
        restUrl = line.substring(5).trim();
        break;
      }
      before.add(line);
    }
    assertThat(restUrl)
        .as("the stock Flink JVM printed its REST URL; it said %s", before)
        .isNotNull();
    Thread drain =
        new Thread(
            () -> {
              try {
                out.transferTo(java.io.Writer.nullWriter());
              } catch (java.io.IOException ignored) {
                // the process ended
              }
            },
            "stock-flink-output");
    drain.setDaemon(true);
    drain.start();
  }

  @AfterAll
  static void stopStockFlink() throws Exception {
    if (flinkProcess != null) {
      long stopping = System.nanoTime();
      flinkProcess.getOutputStream().close();
      boolean stopped = flinkProcess.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
      phase("stock Flink JVM stopped", stopping);
      if (!stopped) {
        flinkProcess.destroyForcibly();
      }
    }
  }

  @Test
  void theJarRunsOnAFlinkClusterWithNothingAddedToItsClassPath() throws Exception {
    TestTopics t = TestTopics.create(SharedKafka.broker(), "stock", 1);
    KafkaTestClient client = SharedKafka.client();
    Path jar = Path.of(System.getProperty("fraud.job.jar"));
    HttpClient http = HttpClient.newHttpClient();

    long started = System.nanoTime();
    String jarId = upload(http, jar);
    phase("uploaded", started);
    List<String> args = List.of(t.params().toArgs());
    String body =
        FraudJson.mapper().writeValueAsString(Map.of("parallelism", 1, "programArgsList", args));
    HttpResponse<String> run =
        http.send(
            HttpRequest.newBuilder(URI.create(restUrl + "/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
    JobID job =
        JobID.fromHexString(FraudJson.mapper().readTree(run.body()).get("jobid").asString());

    client.sendTransactions(
        t.tx(),
        List.of(
            new Transaction(
                "s-1", "acc", new BigDecimal("6000"), null, null, null, null, Instant.now()),
            new Transaction(
                "s-2", "acc", new BigDecimal("10"), null, null, null, null, Instant.now())));
    client.send(t.tx(), "acc", "garbage".getBytes(StandardCharsets.UTF_8));

    List<FraudAlert> alerts = client.alerts(t.alerts(), 1, Duration.ofSeconds(90));
    phase("alerted", started);
    List<ConsumerRecord<byte[], byte[]>> dead =
        client.readCommitted(t.dlq(), r -> !r.isEmpty(), Duration.ofSeconds(60));

    assertThat(alerts).extracting(FraudAlert::alertId).containsExactly("s-1:amount_threshold");
    assertThat(dead)
        .singleElement()
        .satisfies(
            r ->
                assertThat(
                        new String(
                            r.headers().lastHeader(DlqHeaders.REASON).value(),
                            StandardCharsets.UTF_8))
                    .contains("not valid JSON"));
    FlinkRest rest = new FlinkRest(restUrl);
    assertThat(rest.state(job)).isEqualTo("RUNNING");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> rest.numRestarts(job) == 0);
  }

  private static void phase(String what, long since) {
    System.out.printf(
        "StockFlinkIT: %s after %d ms%n", what, (System.nanoTime() - since) / 1_000_000);
  }

  private static String upload(HttpClient http, Path jar) throws Exception {
    String boundary = "----fraud" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"fraud-job.jar\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(Files.readAllBytes(jar));
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(restUrl + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode json = FraudJson.mapper().readTree(response.body());
    String fileName = json.get("filename").asString();
    return fileName.substring(fileName.lastIndexOf('/') + 1);
  }
}
