package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.operations.Exclusion;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.embedded.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A broker of its own, stopped under the running service and started again: Kafka's absence is a
 * 503 kafka-unavailable problem on every Kafka-backed endpoint and DOWN health, and the service
 * recovers by itself.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      KafkaOutageTest.TOKEN_PROPERTY,
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.lag.poll-interval=200ms",
      "fraud.lag.request-timeout=1s",
      "fraud.rules.publish-timeout=2s",
      "spring.kafka.admin.operation-timeout=2s"
    })
@DirtiesContext
class KafkaOutageTest {

  static final String TOKEN = "outage-test-token-0123456789";
  static final String TOKEN_PROPERTY = "fraud.security.api-token=" + TOKEN;

  private static Path dataDir;
  private static LocalKafka kafka;
  private static int port;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) throws Exception {
    dataDir = Files.createTempDirectory("outage-kafka-");
    kafka = LocalKafka.start(0, dataDir);
    port = Integer.parseInt(kafka.bootstrapServers().substring("localhost:".length()));
    registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
    org.springframework.util.FileSystemUtils.deleteRecursively(dataDir.toFile());
  }

  @LocalServerPort int serverPort;
  @Autowired Operations operations;

  // Closes the application after the test, before @AfterAll closes its broker: closed without
  // one, its Kafka clients each waited out their close timeouts (about 10 s in all).
  @DirtiesContext
  @Test
  void answersKafkaUnavailableAndHealthDownWhileTheBrokerIsGoneAndRecovers() {
    ApiClient api = new ApiClient(serverPort, TOKEN);
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/topics").status() == 200);
    assertThat(api.get("/api/v1/rules").status()).isEqualTo(200);

    kafka.close();

    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/topics").status() == 503);
    for (String path : new String[] {"/api/v1/topics", "/api/v1/topics/lag", "/api/v1/alerts"}) {
      Reply reply = api.get(path);
      assertThat(reply.status()).as(path).isEqualTo(503);
      assertThat(reply.problemType()).as(path).isEqualTo("kafka-unavailable");
      assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    }
    Reply rules = api.get("/api/v1/rules");
    assertThat(rules.status()).isEqualTo(503);
    assertThat(rules.problemType()).isEqualTo("kafka-unavailable");
    Reply put =
        api.write(
            "PUT",
            "/api/v1/rules",
            "application/json",
            "{\"amount_threshold\": 100}",
            "If-Match",
            "\"0\"");
    assertThat(put.status()).isEqualTo(503);
    Reply run = api.write("POST", "/api/v1/producer/runs", "application/json", "{\"count\": 5}");
    assertThat(run.status()).isEqualTo(503);
    // A request that cannot be valid is a 400 whatever is down: retrying it would not help.
    Reply invalidDeploy =
        api.write("POST", "/api/v1/jobs", "application/json", "{\"parallelism\": 100000}");
    assertThat(invalidDeploy.status()).as(invalidDeploy.toString()).isEqualTo(400);
    assertThat(invalidDeploy.json().toString()).contains("parallelism");
    // A request that claims an operation (a stop, a savepoint, a backtest...) answers 503 within
    // fraud.topics.read-timeout (3 s) as the others do: it took the write's 10 s, then 10 s more
    // for the tombstone withdrawing the claim (a stop: 503 after 15 s in probe 11). Without Flink
    // the backtest is refused before its look at the transactions topic, bounded the same way.
    long started = System.nanoTime();
    Reply backtest =
        api.write(
            "POST",
            "/api/v1/rules/backtests",
            "application/json",
            "{\"rules\": [{\"id\": \"big\", \"kind\": \"threshold\", \"field\": \"amount\","
                + " \"operator\": \">\", \"limit\": 500}], \"from\": \""
                + Instant.now().minusSeconds(600)
                + "\", \"to\": \""
                + Instant.now().minusSeconds(60)
                + "\"}");
    Duration backtestTook = Duration.ofNanos(System.nanoTime() - started);
    assertThat(backtest.status()).as(backtest.toString()).isEqualTo(503);
    assertThat(backtestTook).isLessThan(Duration.ofSeconds(6));
    started = System.nanoTime();
    assertThatThrownBy(
            () ->
                operations.claim(
                    OperationKind.STOP,
                    "0123456789abcdef0123456789abcdef",
                    Duration.ofMinutes(1),
                    Exclusion.onJob("0123456789abcdef0123456789abcdef", kind -> true)))
        .isInstanceOf(KafkaUnavailableException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
    Reply health = api.get("/actuator/health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(
            health.json().path("components").path("kafka").path("details").path("error").asString())
        .doesNotContain("null");
    assertThat(health.json().path("components").path("lag").path("status").asString())
        .isEqualTo("DOWN");

    kafka = LocalKafka.start(port, dataDir);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(api.get("/api/v1/topics").status()).isEqualTo(200);
              assertThat(api.get("/api/v1/rules").status()).isEqualTo(200);
              assertThat(
                      api.get("/actuator/health")
                          .json()
                          .path("components")
                          .path("lag")
                          .path("status")
                          .asString())
                  .isNotEqualTo("DOWN");
            });
  }
}
