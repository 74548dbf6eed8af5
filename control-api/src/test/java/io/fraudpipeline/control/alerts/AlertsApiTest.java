package io.fraudpipeline.control.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Alerts written transactionally, as the job writes them, peeked and streamed over HTTP. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.lag.poll-interval=200ms",
      "fraud.alerts.max-subscribers=1",
      "fraud.alerts.max-limit=50",
      "fraud.alerts.heartbeat-interval=1s"
    })
@DirtiesContext
class AlertsApiTest {

  private static final String PREFIX = "alerts";
  private static final String TOPIC = PREFIX + "-alerts";
  private static final String SHADOW_TOPIC = PREFIX + "-alerts-shadow";
  private static final NamedRule SHADOW_RULE =
      new NamedRule(
          "many-merchants",
          "Card paying many merchants",
          "shadow",
          "aggregate",
          "merchant",
          ">=",
          new BigDecimal("5"),
          null,
          List.of("account_id"),
          "count_distinct",
          "PT10M");
  private static final NamedRule OTHER_SHADOW_RULE =
      new NamedRule(
          "hourly-total",
          null,
          "shadow",
          "aggregate",
          "amount",
          ">",
          new BigDecimal("10000"),
          null,
          List.of("account_id"),
          "sum",
          "PT1H");

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    TestKafka.register(registry, PREFIX);
  }

  @LocalServerPort int port;
  private ApiClient api;

  @BeforeEach
  void client() {
    api = new ApiClient(port, "unused");
  }

  @Test
  void peeksTheLatestCommittedAlertsNewestFirstAndStreamsNewOnes() throws Exception {
    awaitKafka();
    try (KafkaProducer<String, byte[]> producer = transactionalProducer("alerts-test-tx")) {
      producer.initTransactions();
      writeInTransaction(producer, List.of("t-1", "t-2", "t-3"), true);
      writeInTransaction(producer, List.of("aborted-1", "aborted-2"), false);
      writeInTransaction(producer, List.of("t-4"), true);
    }

    JsonNode peek =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> api.get("/api/v1/alerts?limit=10").json(), p -> p.path("count").asInt() == 4);
    List<String> ids = new ArrayList<>();
    peek.path("alerts").forEach(a -> ids.add(a.path("alert").path("alert_id").asString()));
    assertThat(ids)
        .containsExactly(
            "t-4:amount_threshold",
            "t-3:amount_threshold",
            "t-2:amount_threshold",
            "t-1:amount_threshold");
    JsonNode newest = peek.path("alerts").get(0);
    assertThat(newest.path("alert").path("transaction").path("amount").decimalValue())
        .isEqualByComparingTo("7000");
    assertThat(newest.has("offset")).isTrue();
    assertThat(api.get("/api/v1/alerts?limit=2").json().path("alerts")).hasSize(2);

    Reply tooMany = api.get("/api/v1/alerts?limit=51");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.problemType()).isEqualTo("validation");

    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<InputStream> stream =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/alerts/stream"))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    Thread reader = readLines(stream.body(), lines);
    try {
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      awaitLine(lines, l -> l.startsWith(":")); // the subscription comment: the stream is open

      Reply second = api.get("/api/v1/alerts/stream");
      assertThat(second.status()).isEqualTo(429);
      assertThat(second.problemType()).isEqualTo("too-many-requests");

      try (KafkaProducer<String, byte[]> producer = transactionalProducer("alerts-test-tx")) {
        producer.initTransactions();
        writeInTransaction(producer, List.of("aborted-3"), false);
        writeInTransaction(producer, List.of("t-5"), true);
      }
      String data = awaitLine(lines, l -> l.startsWith("data:"));
      assertThat(ApiClient.JSON.readTree(data.substring(5)).path("alert_id").asString())
          .isEqualTo("t-5:amount_threshold");
    } finally {
      stream.body().close();
      reader.interrupt();
    }
  }

  @Test
  void showsTheShadowRulesAlertsApartAndFiltersByRule() throws Exception {
    awaitKafka();
    try (KafkaProducer<String, byte[]> producer = transactionalProducer("alerts-test-shadow")) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(shadowAlert("s-1", SHADOW_RULE));
      producer.send(shadowAlert("s-2", OTHER_SHADOW_RULE));
      producer.send(shadowAlert("s-3", SHADOW_RULE));
      producer.commitTransaction();
    }

    JsonNode shadow =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> api.get("/api/v1/alerts/shadow?limit=10").json(),
                p -> p.path("count").asInt() == 3);
    assertThat(shadow.path("topic").asString()).isEqualTo(SHADOW_TOPIC);
    assertThat(alertIds(shadow))
        .containsExactlyInAnyOrder("s-1:many-merchants", "s-2:hourly-total", "s-3:many-merchants");
    assertThat(alertIds(api.get("/api/v1/alerts/shadow?rule=many-merchants").json()))
        .containsExactlyInAnyOrder("s-1:many-merchants", "s-3:many-merchants");
    assertThat(alertIds(api.get("/api/v1/alerts/shadow?rule=named&limit=1").json())).hasSize(1);
    // Never among the alerts people act on, whose own rule filter works alike.
    assertThat(alertIds(api.get("/api/v1/alerts?limit=50").json()))
        .noneMatch(id -> id.startsWith("s-"));
    assertThat(api.get("/api/v1/alerts?rule=many-merchants").json().path("count").asInt()).isZero();

    Reply badRule = api.get("/api/v1/alerts/shadow?rule=Not%20A%20Rule");
    assertThat(badRule.status()).isEqualTo(400);
    assertThat(badRule.problemType()).isEqualTo("validation");
    assertThat(badRule.json().path("errors").get(0).path("field").asString()).isEqualTo("rule");

    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    // max-subscribers is 1: the other test's stream may still hold the slot for a moment.
    HttpResponse<InputStream> stream =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> openStream("/api/v1/alerts/shadow/stream?rule=hourly-total"), this::isOpen);
    Thread reader = readLines(stream.body(), lines);
    try {
      awaitLine(lines, l -> l.startsWith(":"));
      try (KafkaProducer<String, byte[]> producer = transactionalProducer("alerts-test-shadow")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(shadowAlert("s-4", SHADOW_RULE));
        producer.send(shadowAlert("s-5", OTHER_SHADOW_RULE));
        producer.commitTransaction();
      }
      String data = awaitLine(lines, l -> l.startsWith("data:"));
      assertThat(ApiClient.JSON.readTree(data.substring(5)).path("alert_id").asString())
          .isEqualTo("s-5:hourly-total");
    } finally {
      stream.body().close();
      reader.interrupt();
    }
  }

  private HttpResponse<InputStream> openStream(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
  }

  private boolean isOpen(HttpResponse<InputStream> stream) {
    if (stream.statusCode() == 200) {
      return true;
    }
    try {
      stream.body().close();
    } catch (java.io.IOException e) {
      // refused anyway
    }
    return false;
  }

  private static List<String> alertIds(JsonNode peek) {
    List<String> ids = new ArrayList<>();
    peek.path("alerts").forEach(a -> ids.add(a.path("alert").path("alert_id").asString()));
    return ids;
  }

  private static ProducerRecord<String, byte[]> shadowAlert(String transactionId, NamedRule rule) {
    Transaction tx =
        new Transaction(
            transactionId,
            "acc-2",
            new BigDecimal("120"),
            "USD",
            "m-2",
            "retail",
            "US",
            Instant.parse("2025-01-01T00:00:00Z"));
    FraudAlert alert =
        FraudAlert.namedRuleAlert(
            tx, rule, 7, Map.of("account_id", "acc-2"), new BigDecimal("5"), Instant.now());
    return new ProducerRecord<>(SHADOW_TOPIC, 0, "acc-2", FraudJson.write(alert));
  }

  private void awaitKafka() {
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/topics").status() == 200);
  }

  private static String awaitLine(
      BlockingQueue<String> lines, java.util.function.Predicate<String> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && wanted.test(line)) {
        return line;
      }
    }
    throw new AssertionError("no such line within 30 s");
  }

  private static Thread readLines(InputStream body, BlockingQueue<String> lines) {
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // stream closed
              }
            },
            "sse-reader");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static void writeInTransaction(
      KafkaProducer<String, byte[]> producer, List<String> transactionIds, boolean commit) {
    producer.beginTransaction();
    for (String id : transactionIds) {
      Transaction tx =
          new Transaction(
              id,
              "acc-1",
              new BigDecimal("7000"),
              "USD",
              "m-1",
              "retail",
              "US",
              Instant.parse("2025-01-01T00:00:00Z"));
      FraudAlert alert = FraudAlert.amountAlertOrNull(tx, RuleSet.DEFAULT, Instant.now());
      producer.send(new ProducerRecord<>(TOPIC, 0, "acc-1", FraudJson.write(alert)));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  private static KafkaProducer<String, byte[]> transactionalProducer(String transactionalId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(config);
  }
}
