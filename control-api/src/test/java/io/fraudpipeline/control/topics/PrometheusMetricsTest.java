package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;
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
    properties = {"fraud.flink.rest-url=http://127.0.0.1:9", "fraud.lag.poll-interval=200ms"})
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
