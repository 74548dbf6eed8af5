package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What ops tooling reads besides the API: Prometheus metrics by their documented names, OpenAPI.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.lag.poll-interval=200ms",
      // Longer than a test: the rates cover all that it produced.
      "fraud.lag.rate-window=5m"
    })
@DirtiesContext
class PrometheusMetricsTest {

  private static final String PREFIX = "metrics";
  private static final String SECTION = "## Pipeline and producer metrics";

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    TestKafka.register(registry, PREFIX);
  }

  @LocalServerPort int port;

  @Test
  void servesEveryDocumentedPipelineAndProducerMetric() throws Exception {
    List<String> documented = documentedNames();
    assertThat(documented).hasSizeGreaterThanOrEqualTo(16).contains("fraud_consumer_lag_records");

    ApiClient api = new ApiClient(port, "unused");
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/topics").status() == 200);
    // Give the group a committed offset and some lag, so the per-partition lag series exist.
    String topic = PREFIX + "-transactions";
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i));
      }
    }
    try (Admin admin = TestKafka.broker().admin()) {
      admin
          .alterConsumerGroupOffsets(
              PREFIX + "-fraud-job", Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(4)))
          .all()
          .get();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String scrape = api.get("/actuator/prometheus").body();
              List<String> missing = new ArrayList<>();
              for (String name : documented) {
                if (!Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape).find()) {
                  missing.add(name);
                }
              }
              assertThat(missing).as("documented but not served").isEmpty();
              assertThat(scrape)
                  .contains(
                      "fraud_consumer_lag_records{application=\"control-api\",group=\"metrics-fraud-job\",partition=\"0\",topic=\"metrics-transactions\"} 6.0");
            });
  }

  /**
   * Probe 6 (P6-6): with an exactly-once job, fraud_alerts_per_second grew with the alerts topic's
   * offsets, commit markers and aborted alerts included. Here 16 offsets hold 9 committed alerts:
   * over the same samples, the alert rate is 9/16 of the topic's offset rate (it was equal).
   */
  @Test
  void servesTheRateOfCommittedAlertsWithoutTransactionMarkersOrAbortedAlerts() {
    ApiClient api = new ApiClient(port, "unused");
    String alerts = PREFIX + "-alerts";
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/topics").status() == 200);
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, PREFIX + "-alerts-test-tx");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      producer.initTransactions();
      // 5 alerts and a commit marker, 3 aborted alerts and an abort marker, 4 alerts and 2 markers.
      for (int[] tx : new int[][] {{5, 0, 1}, {3, 0, 0}, {2, 2, 1}}) {
        producer.beginTransaction();
        for (int partition = 0; partition < 2; partition++) {
          for (int i = 0; i < tx[partition]; i++) {
            producer.send(new ProducerRecord<>(alerts, partition, "k", "alert"));
          }
        }
        if (tx[2] == 1) {
          producer.commitTransaction();
        } else {
          producer.flush();
          producer.abortTransaction();
        }
      }
    }

    Pattern alertRate = Pattern.compile("(?m)^fraud_alerts_per_second\\{[^}]*} (\\S+)$");
    Pattern offsetRate =
        Pattern.compile(
            "(?m)^fraud_topic_records_per_second\\{[^}]*topic=\"" + alerts + "\"[^}]*} (\\S+)$");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String scrape = api.get("/actuator/prometheus").body();
              Matcher alertsPerSecond = alertRate.matcher(scrape);
              Matcher offsetsPerSecond = offsetRate.matcher(scrape);
              assertThat(alertsPerSecond.find()).as("fraud_alerts_per_second served").isTrue();
              assertThat(offsetsPerSecond.find()).as("the alerts topic's rate served").isTrue();
              double offsets = Double.parseDouble(offsetsPerSecond.group(1));
              double committed = Double.parseDouble(alertsPerSecond.group(1));
              assertThat(offsets).as("offsets per second").isPositive();
              assertThat(committed / offsets)
                  .as("%s alerts / %s offsets per second", committed, offsets)
                  .isCloseTo(9.0 / 16, within(1e-9));
            });
  }

  @Test
  void leavesTheControlPlanesOwnKafkaConsumersOutOfTheScrape() {
    ApiClient api = new ApiClient(port, "unused");
    // By then the background readers (events, desired state, lag) have their consumers: with Spring
    // Kafka's Micrometer binding on, each would serve its kafka_consumer_* series.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/actuator/prometheus").body().contains("fraud_consumer_lag_status"));
    assertThat(api.get("/actuator/prometheus").body())
        .doesNotContainPattern("(?m)^kafka_consumer_");
  }

  @Test
  void describesEveryEndpointOfThisCapabilityInOpenApi() {
    ApiClient api = new ApiClient(port, "unused");
    tools.jackson.databind.JsonNode docs = api.get("/v3/api-docs").json();

    assertThat(docs.path("paths").propertyNames())
        .contains(
            "/api/v1/rules",
            "/api/v1/rules/history",
            "/api/v1/producer/runs",
            "/api/v1/producer/runs/{id}",
            "/api/v1/topics",
            "/api/v1/topics/lag",
            "/api/v1/alerts",
            "/api/v1/alerts/stream");
    assertThat(
            docs.path("paths")
                .path("/api/v1/rules")
                .path("patch")
                .path("requestBody")
                .path("content")
                .has("application/merge-patch+json"))
        .isTrue();
    assertThat(
            docs.path("components")
                .path("schemas")
                .path("RuleSetBody")
                .path("properties")
                .propertyNames())
        .contains("amount_threshold", "category_thresholds", "velocity");
    assertThat(
            docs.path("components")
                .path("schemas")
                .path("ProducerRunRequest")
                .path("properties")
                .propertyNames())
        .contains("rate_per_second", "count", "duration", "fraud_ratio", "malformed_ratio");
  }

  /** The metric names in the first column of the section's table. */
  private static List<String> documentedNames() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "metrics.md"));
    int start = docs.indexOf(SECTION);
    assertThat(start).as("section " + SECTION).isNotNegative();
    int end = docs.indexOf("\n## ", start + SECTION.length());
    String section = docs.substring(start, end < 0 ? docs.length() : end);
    List<String> names = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(section);
    while (row.find()) {
      names.add(row.group(1));
    }
    return names;
  }
}
