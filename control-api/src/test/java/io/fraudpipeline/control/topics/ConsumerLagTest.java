package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.TestKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Offsets and the fraud job's lag against records really produced and consumed on a real broker.
 * The group's consumer here commits like Flink's KafkaSource: the offset after the last record it
 * read, never past a transaction marker.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.lag.poll-interval=200ms",
      "fraud.lag.evaluation-window=2s",
      "fraud.lag.rate-window=2s"
    })
@DirtiesContext
class ConsumerLagTest {

  private static final String PREFIX = "lag";
  private static final String TOPIC = PREFIX + "-transactions";
  private static final String GROUP = PREFIX + "-fraud-job";

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
  void reportsLagInRecordsAndSecondsThenStalledThenCaughtUp() throws Exception {
    awaitTopicCreated();
    produce(0, 30);
    consumeAndCommit(0, 10);

    JsonNode partition = awaitPartition(p -> p.path("committed_offset").asLong() == 10);
    assertThat(partition.path("end_offset").asLong()).isEqualTo(30);
    assertThat(partition.path("lag_records").asLong()).isEqualTo(20);
    JsonNode topics = api.get("/api/v1/topics").json();
    JsonNode transactions = topic(topics, TOPIC);
    assertThat(transactions.path("partitions").get(0).path("latest_offset").asLong()).isEqualTo(30);
    assertThat(transactions.path("partitions").get(0).path("earliest_offset").asLong()).isZero();

    // Nothing is committed for longer than the evaluation window while 20 records wait.
    JsonNode stalled = awaitPartition(p -> "STALLED".equals(p.path("status").asString()));
    assertThat(stalled.path("lag_seconds").asDouble()).isGreaterThanOrEqualTo(2.0);
    assertThat(
            api.get("/actuator/health")
                .json()
                .path("components")
                .path("lag")
                .path("status")
                .asString())
        .isEqualTo("DOWN");

    consumeAndCommit(0, 20);
    JsonNode caughtUp = awaitPartition(p -> p.path("committed_offset").asLong() == 30);
    assertThat(caughtUp.path("lag_records").asLong()).isZero();
    assertThat(caughtUp.path("lag_seconds").asDouble()).isZero();
    assertThat(caughtUp.path("status").asString()).isEqualTo("OK");
  }

  @Test
  void countsNeitherTransactionMarkersNorAbortedRecordsNorOpenTransactionsAsLag() throws Exception {
    awaitTopicCreated();
    try (KafkaProducer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      sendInTransaction(producer, 5, true); // offsets 0-4, commit marker 5
      sendInTransaction(producer, 3, false); // 6-8 aborted, abort marker 9
      sendInTransaction(producer, 2, true); // 10-11, commit marker 12: end offset 13
    }
    List<ConsumerRecord<String, String>> first = consumeAndCommit(1, 5);
    assertThat(first.get(4).offset()).isEqualTo(4);

    // Committed 5, end 13: eight offsets, but only two records (10 and 11) are left to read.
    JsonNode partial = awaitPartition(1, p -> p.path("committed_offset").asLong() == 5);
    assertThat(partial.path("end_offset").asLong()).isEqualTo(13);
    assertThat(partial.path("lag_records").asLong()).isEqualTo(2);

    List<ConsumerRecord<String, String>> rest = consumeAndCommit(1, 2);
    assertThat(rest).extracting(ConsumerRecord::offset).containsExactly(10L, 11L);

    // Committed 12, end 13: the one offset left is the commit marker, which is no lag.
    JsonNode done = awaitPartition(1, p -> p.path("committed_offset").asLong() == 12);
    assertThat(done.path("end_offset").asLong()).isEqualTo(13);
    assertThat(done.path("lag_records").asLong()).isZero();
    assertThat(done.path("lag_seconds").asDouble()).isZero();

    // A transaction still open is beyond the last stable offset: not readable, so not lag.
    try (KafkaProducer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(TOPIC, 1, "k", "open-" + i));
      }
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode p =
                    topic(api.get("/api/v1/topics").json(), TOPIC).path("partitions").get(1);
                assertThat(p.path("latest_offset").asLong()).isEqualTo(16);
                assertThat(p.path("last_stable_offset").asLong()).isEqualTo(13);
              });
      assertThat(partition(1).path("lag_records").asLong()).isZero();
      producer.abortTransaction();
    }
  }

  private void awaitTopicCreated() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              ApiClient.Reply reply = api.get("/api/v1/topics");
              return reply.status() == 200
                  && topic(reply.json(), TOPIC).path("exists").asBoolean()
                  && topic(reply.json(), TOPIC).path("partitions").size() == 2;
            });
  }

  private JsonNode awaitPartition(java.util.function.Predicate<JsonNode> condition) {
    return awaitPartition(0, condition);
  }

  private JsonNode awaitPartition(int partition, java.util.function.Predicate<JsonNode> condition) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> partition(partition), condition);
  }

  private JsonNode partition(int partition) {
    ApiClient.Reply reply = api.get("/api/v1/topics/lag");
    assertThat(reply.status()).isEqualTo(200);
    for (JsonNode p : reply.json().path("partitions")) {
      if (p.path("partition").asInt() == partition) {
        return p;
      }
    }
    return ApiClient.JSON.missingNode();
  }

  private static JsonNode topic(JsonNode topics, String name) {
    for (JsonNode topic : topics.path("topics")) {
      if (topic.path("name").asString().equals(name)) {
        return topic;
      }
    }
    return ApiClient.JSON.missingNode();
  }

  private static void produce(int partition, int count) {
    Map<String, Object> config = producerConfig();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, "v" + i));
      }
    }
  }

  private static KafkaProducer<String, String> transactionalProducer() {
    Map<String, Object> config = producerConfig();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lag-test-tx");
    return new KafkaProducer<>(config);
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer, int n, boolean commit) {
    producer.beginTransaction();
    for (int i = 0; i < n; i++) {
      producer.send(new ProducerRecord<>(TOPIC, 1, "k", (commit ? "c" : "a") + i));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  private static Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  /**
   * Reads {@code count} records of the partition as the fraud job's group (read_committed) from its
   * committed offset, then commits the offset after the last one read, as Flink does.
   */
  private static List<ConsumerRecord<String, String>> consumeAndCommit(int partition, int count) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    TopicPartition tp = new TopicPartition(TOPIC, partition);
    List<ConsumerRecord<String, String>> read = new java.util.ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (read.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          read.add(record);
        }
      }
      assertThat(read).hasSize(count);
      long next = read.get(read.size() - 1).offset() + 1;
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
    }
    return read;
  }
}
