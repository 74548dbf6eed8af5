package io.fraudpipeline.control.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Producer runs over HTTP, and the records they leave on a real broker. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      ProducerRunsApiTest.TOKEN_PROPERTY,
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.lag.poll-interval=200ms",
      "fraud.producer.max-rate=2000",
      "fraud.producer.max-concurrent-runs=1",
      "fraud.producer.stop-timeout=20s"
    })
@DirtiesContext
class ProducerRunsApiTest {

  static final String TOKEN = "producer-test-token-0123456789";
  static final String TOKEN_PROPERTY = "fraud.security.api-token=" + TOKEN;
  private static final String PREFIX = "producer";
  private static final String TOPIC = PREFIX + "-transactions";
  private static final String JSON = "application/json";

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    TestKafka.register(registry, PREFIX);
  }

  @LocalServerPort int port;
  @Autowired ProducerRuns runs;
  private ApiClient api;

  @BeforeEach
  void client() {
    api = new ApiClient(port, TOKEN);
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/topics").status() == 200);
  }

  @Test
  void runsToItsCountAndLeavesEveryAcknowledgedRecordOnTheTopic() {
    long before = recordsOnTopic();
    Map<TopicPartition, Long> offsetsBefore = endOffsets();
    Reply started =
        api.write(
            "POST",
            "/api/v1/producer/runs",
            JSON,
            "{\"rate_per_second\": 1000, \"count\": 400, \"fraud_ratio\": 0.05,"
                + " \"malformed_ratio\": 0.02, \"seed\": 7, \"accounts\": 20000}");
    assertThat(started.status()).isEqualTo(202);
    String location = started.header("Location");
    assertThat(location).startsWith("/api/v1/producer/runs/");
    assertThat(started.json().path("state").asString()).isIn("RUNNING", "COMPLETED");

    JsonNode done =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> api.get(location).json(),
                r -> "COMPLETED".equals(r.path("state").asString()));
    assertThat(done.path("sent").asLong()).isEqualTo(400);
    assertThat(done.path("acknowledged").asLong()).isEqualTo(400);
    assertThat(done.path("failed").asLong()).isZero();
    assertThat(done.path("in_flight").asLong()).isZero();
    assertThat(done.path("seed").asLong()).isEqualTo(7);
    assertThat(api.get("/api/v1/producer/runs").json().path("runs").get(0).path("id").asString())
        .isEqualTo(done.path("id").asString());

    // On the topic: 400 more records, as many unparseable ones as the run labelled malformed.
    List<ConsumerRecord<byte[], byte[]>> records = readFrom(offsetsBefore);
    long invalid =
        records.stream()
            .filter(r -> FraudJson.parseTransaction(r.value()) instanceof ParseResult.Invalid<?>)
            .count();
    long legit = done.path("sent_by_label").path("legit").asLong();
    long highAmount = done.path("sent_by_label").path("high_amount").asLong();
    long velocity = done.path("sent_by_label").path("velocity_burst").asLong();
    assertThat(records).hasSize(400);
    assertThat(invalid).isEqualTo(400 - legit - highAmount - velocity);
    assertThat(invalid).isPositive();
    assertThat(highAmount + velocity).isPositive();
    await().atMost(Duration.ofSeconds(20)).until(() -> recordsOnTopic() == before + 400);
  }

  @Test
  void makesTheBurstsOfAPatternShareMerchantSpreesAndSplitPayments() {
    Reply outOfRange = api.write("POST", "/api/v1/producer/runs", JSON, "{\"pattern_share\": 1.5}");
    assertThat(outOfRange.status()).isEqualTo(400);
    assertThat(outOfRange.json().path("errors").get(0).path("field").asString())
        .isEqualTo("pattern_share");

    Reply started =
        api.write(
            "POST",
            "/api/v1/producer/runs",
            JSON,
            "{\"rate_per_second\": 1000, \"count\": 600, \"fraud_ratio\": 0.5,"
                + " \"pattern_share\": 1.0, \"seed\": 11, \"accounts\": 20000}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    JsonNode done =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> api.get(started.header("Location")).json(),
                r -> "COMPLETED".equals(r.path("state").asString()));
    assertThat(done.path("pattern_share").asDouble()).isEqualTo(1.0);
    JsonNode labels = done.path("sent_by_label");
    // Every burst is one of the two patterns: none is a plain velocity burst.
    assertThat(labels.path("merchant_spree").asLong()).isPositive();
    assertThat(labels.path("split_payments").asLong()).isPositive();
    assertThat(labels.path("velocity_burst").asLong()).isZero();
  }

  @Test
  void boundsTheRateAndTheConcurrentRunsAndStopsARunWithItsRecordsFlushed() {
    Reply tooFast = api.write("POST", "/api/v1/producer/runs", JSON, "{\"rate_per_second\": 5000}");
    assertThat(tooFast.status()).isEqualTo(400);
    assertThat(tooFast.json().path("errors").get(0).path("field").asString())
        .isEqualTo("rate_per_second");

    Reply unknownField =
        api.write(
            "POST", "/api/v1/producer/runs", JSON, "{\"rate_per_second\": 10, \"colour\": 1}");
    assertThat(unknownField.status()).isEqualTo(400);

    Reply impossible =
        api.write(
            "POST",
            "/api/v1/producer/runs",
            JSON,
            "{\"fraud_ratio\": 0.8, \"malformed_ratio\": 0.5}");
    assertThat(impossible.status()).isEqualTo(400);
    assertThat(impossible.json().path("detail").asString()).contains("must not exceed 1");

    Reply endless =
        api.write("POST", "/api/v1/producer/runs", JSON, "{\"rate_per_second\": 200, \"seed\": 3}");
    assertThat(endless.status()).isEqualTo(202);
    String location = endless.header("Location");

    Reply second = api.write("POST", "/api/v1/producer/runs", JSON, "{\"count\": 10}");
    assertThat(second.status()).isEqualTo(429);
    assertThat(second.problemType()).isEqualTo("too-many-requests");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get(location).json().path("acknowledged").asLong() >= 100);
    Reply stopped = api.delete(location);
    assertThat(stopped.status()).isEqualTo(200);
    JsonNode run = stopped.json();
    assertThat(run.path("state").asString()).isEqualTo("STOPPED");
    assertThat(run.path("acknowledged").asLong()).isEqualTo(run.path("sent").asLong());
    assertThat(run.path("in_flight").asLong()).isZero();

    assertThat(api.delete("/api/v1/producer/runs/no-such-run").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/producer/runs/no-such-run").status()).isEqualTo(404);
  }

  @Test
  void aDurationGivenAsANumberIsRefused() {
    // Jackson alone reads 10 as ten seconds; the API documents ISO-8601 text, and a bare number's
    // unit would be a guess.
    int runsBefore = runs.list().size();
    for (String number : List.of("10", "2.5")) {
      Reply refused =
          api.write("POST", "/api/v1/producer/runs", JSON, "{\"duration\": " + number + "}");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.problemType()).isEqualTo("validation");
      JsonNode error = refused.json().path("errors").get(0);
      assertThat(error.path("field").asString()).isEqualTo("duration");
      assertThat(error.path("message").asString())
          .isEqualTo("must be an ISO-8601 duration such as PT30S or PT10M");
    }
    assertThat(runs.list()).hasSize(runsBefore);
  }

  @Test
  void anInvalidRunIsRefusedAsInvalidEvenWhileEveryConcurrentRunIsTaken() {
    Reply endless = api.write("POST", "/api/v1/producer/runs", JSON, "{\"rate_per_second\": 100}");
    assertThat(endless.status()).as(endless.toString()).isEqualTo(202);
    try {
      for (String invalid :
          List.of(
              "{\"fraud_ratio\": 0.7, \"malformed_ratio\": 0.5}",
              "{\"duration\": \"PT0S\"}",
              "{\"rate_per_second\": 5000}")) {
        Reply refused = api.write("POST", "/api/v1/producer/runs", JSON, invalid);
        assertThat(refused.status()).as(invalid + " " + refused).isEqualTo(400);
        assertThat(refused.problemType()).isEqualTo("validation");
      }
      Reply valid = api.write("POST", "/api/v1/producer/runs", JSON, "{\"count\": 10}");
      assertThat(valid.status()).isEqualTo(429);
    } finally {
      assertThat(api.delete(endless.header("Location")).status()).isEqualTo(200);
    }
  }

  @Test
  void aDurationOverAYearOrNotPositiveIsAFieldErrorNotAnInternalError() {
    int runsBefore = runs.list().size();
    // P1000000D overflowed the send loop's nanoseconds: a 500.
    Map<String, String> messages =
        Map.of(
            "P1000000D", "must be at most P365D; leave it out for a run that goes on until stopped",
            "P366D", "must be at most P365D; leave it out for a run that goes on until stopped",
            "PT0S", "must be positive, e.g. PT30S",
            "-PT5S", "must be positive, e.g. PT30S");
    messages.forEach(
        (duration, message) -> {
          Reply refused =
              api.write(
                  "POST",
                  "/api/v1/producer/runs",
                  JSON,
                  "{\"duration\": \"" + duration + "\", \"rate_per_second\": 1}");
          assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
          assertThat(refused.problemType()).isEqualTo("validation");
          JsonNode error = refused.json().path("errors").get(0);
          assertThat(error.path("field").asString()).isEqualTo("duration");
          assertThat(error.path("message").asString()).as(duration).isEqualTo(message);
        });
    // A count is a long: one beyond it is refused as a number that does not fit, not cut short.
    Reply tooMany =
        api.write("POST", "/api/v1/producer/runs", JSON, "{\"count\": 9223372036854775808}");
    assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(400);
    assertThat(tooMany.problemType()).isEqualTo("validation");
    assertThat(runs.list()).hasSize(runsBefore);
  }

  @Test
  void stopsRunningRunsCleanlyWhenTheServiceShutsDown() {
    Reply started = api.write("POST", "/api/v1/producer/runs", JSON, "{\"rate_per_second\": 300}");
    assertThat(started.status()).isEqualTo(202);
    ManagedRun run = runs.get(started.json().path("id").asString());
    await().atMost(Duration.ofSeconds(30)).until(() -> run.run().progress().acknowledged() > 50);

    runs.stop(); // what Spring calls on shutdown, before the web server stops
    try {
      var progress = run.run().progress();
      assertThat(progress.state().name()).isEqualTo("STOPPED");
      assertThat(progress.allAcknowledged()).isTrue();
      Reply refused = api.write("POST", "/api/v1/producer/runs", JSON, "{\"count\": 10}");
      assertThat(refused.status()).isEqualTo(409);
    } finally {
      runs.start();
    }
  }

  private long recordsOnTopic() {
    JsonNode topics = api.get("/api/v1/topics").json().path("topics");
    for (JsonNode topic : topics) {
      if (topic.path("name").asString().equals(TOPIC)) {
        return topic.path("records").asLong();
      }
    }
    return -1;
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(config);
  }

  private static final List<TopicPartition> PARTITIONS =
      List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));

  private static Map<TopicPartition, Long> endOffsets() {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return consumer.endOffsets(PARTITIONS);
    }
  }

  /** Every record from the given offsets to the end of the topic. */
  private static List<ConsumerRecord<byte[], byte[]>> readFrom(Map<TopicPartition, Long> from) {
    List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(PARTITIONS);
      from.forEach(consumer::seek);
      Map<TopicPartition, Long> end = consumer.endOffsets(PARTITIONS);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (PARTITIONS.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
