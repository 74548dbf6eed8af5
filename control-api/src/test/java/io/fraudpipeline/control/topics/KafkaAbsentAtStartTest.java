package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.embedded.FreePorts;
import io.fraudpipeline.embedded.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The service started before its Kafka (compose or Kubernetes bringing both up at once, or Kafka
 * down at a restart): it serves 503 kafka-unavailable within a few seconds and a DOWN {@code kafka}
 * health component without flooding its log, and connects once a broker answers on the bootstrap
 * address.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.security.api-token=absent-kafka-test-token-0123456789",
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.lag.poll-interval=200ms",
      "fraud.lag.request-timeout=1s",
      "spring.kafka.admin.operation-timeout=2s",
      // Each read of a state topic gives up after this (3 s by default): the twelve reads below
      // each wait it out, so it bounds their answers and the test's length.
      "fraud.topics.read-timeout=1500ms",
      // Spring's topic set-up then closes its admin client, waiting this long for the absent
      // broker (10 s by default): start-up time, which this test does not measure.
      "spring.kafka.admin.close-timeout=1s",
      // The tests' logback configuration keeps Kafka at WARN; the service logs its INFO lines.
      "logging.level.org.apache.kafka.clients=INFO"
    })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class KafkaAbsentAtStartTest {

  /** fraud.topics.read-timeout above. */
  private static final Duration READ_TIMEOUT = Duration.ofMillis(1500);

  private static final int KAFKA_PORT = FreePorts.find();
  private static Path dataDir;
  private static LocalKafka kafka;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", () -> "localhost:" + KAFKA_PORT);
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
    if (dataDir != null) {
      FileSystemUtils.deleteRecursively(dataDir.toFile());
    }
  }

  @LocalServerPort int serverPort;

  // Closes the application after the test, before @AfterAll closes its broker: closed without
  // one, its Kafka clients each waited out their close timeouts (about 10 s in all).
  @DirtiesContext
  @Test
  void servesKafkaUnavailableWithoutFloodingItsLogAndConnectsOnceKafkaIsUp(CapturedOutput log)
      throws Exception {
    ApiClient api = new ApiClient(serverPort, "absent-kafka-test-token-0123456789");
    Reply topics = api.get("/api/v1/topics");
    assertThat(topics.status()).as(topics.toString()).isEqualTo(503);
    assertThat(topics.problemType()).isEqualTo("kafka-unavailable");
    assertThat(api.get("/actuator/health").json().path("components").path("kafka").path("status"))
        .hasToString("\"DOWN\"");
    // A read of the rules waited for the rules reader's Kafka timeouts, behind the background
    // refresh's read: about 25 s, past a client's 10 s timeout. Twice, so that one meets the
    // refresh (every fraud.rules.refresh-interval) in progress. The pipeline and the savepoints
    // took 10 s to answer 503; the operations 11 s to answer 200 with none (an unknown one 404), as
    // if there were none.
    for (int i = 0; i < 2; i++) {
      for (String path :
          List.of(
              "/api/v1/rules",
              "/api/v1/rules/history",
              "/api/v1/pipeline",
              "/api/v1/savepoints",
              "/api/v1/operations",
              "/api/v1/operations/" + UUID.randomUUID())) {
        long started = System.nanoTime();
        Reply rules = api.get(path);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(rules.status()).as(rules.toString()).isEqualTo(503);
        assertThat(rules.problemType()).isEqualTo("kafka-unavailable");
        assertThat(took)
            .as(path + " answered 503 after " + took)
            .isLessThan(READ_TIMEOUT.multipliedBy(2));
      }
    }
    // Kafka 4's clients go back to their bootstrap servers when no broker answers; its admin
    // client did so in a tight loop when none ever had: over a thousand log lines a second.
    long before = rebootstraps(log);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> rebootstraps(log) - before < 20);

    dataDir = Files.createTempDirectory("absent-kafka-");
    kafka = LocalKafka.start(KAFKA_PORT, dataDir);

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(api.get("/api/v1/topics").status()).isEqualTo(200);
              assertThat(api.get("/api/v1/rules").status()).isEqualTo(200);
              Reply operations = api.get("/api/v1/operations");
              assertThat(operations.status()).isEqualTo(200);
              assertThat(operations.json().path("stale").asBoolean()).isFalse();
            });
  }

  private static long rebootstraps(CapturedOutput log) {
    return log.getOut().lines().filter(line -> line.contains("Rebootstrapping")).count();
  }
}
