package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.job.support.FlinkJobProbe;
import io.fraudpipeline.job.support.KafkaTestClient;
import io.fraudpipeline.job.support.SharedKafka;
import io.fraudpipeline.job.support.StockFlinkMain;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.DlqHeaders;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
          // the test's own REST client, not part of a Flink distribution
          "flink-client/target/classes",
          "flink-client-0.1.0-SNAPSHOT.jar",
          "fraud-job/target/classes",
          "fraud-job-0.1.0-SNAPSHOT.jar");

  private static Process flinkProcess;
  private static String restUrl;
  private static FlinkJobProbe flink;

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
    flink = new FlinkJobProbe(restUrl);
  }

  @AfterAll
  static void stopStockFlink() throws Exception {
    if (flink != null) {
      flink.close();
    }
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

    long started = System.nanoTime();
    String jarId = flink.client().uploadJar(jar);
    phase("uploaded", started);
    List<String> args = List.of(t.params().toArgs());
    JobID job =
        flink
            .client()
            .runJar(
                jarId,
                new JarRunRequestBody(
                    null, args, 1, null, null, null, null, Map.<String, String>of()));

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
    assertThat(flink.state(job)).isEqualTo("RUNNING");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> flink.numRestarts(job) == 0);
  }

  private static void phase(String what, long since) {
    System.out.printf(
        "StockFlinkIT: %s after %d ms%n", what, (System.nanoTime() - since) / 1_000_000);
  }
}
