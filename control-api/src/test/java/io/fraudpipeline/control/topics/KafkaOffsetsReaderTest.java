package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.control.topics.OffsetsSample.PartitionSample;
import io.fraudpipeline.control.topics.OffsetsSample.TopicSample;
import io.fraudpipeline.embedded.LocalKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What one round of Kafka calls reads, against a real broker and a transactional producer. */
class KafkaOffsetsReaderTest {

  private static final String TRANSACTIONS = "reader-transactions";
  private static final String ALERTS = "reader-alerts";

  /**
   * Probe 6 (P6-6): fraud_alerts_per_second was the growth of the alerts topic's offsets, in which
   * an exactly-once job's commit markers (and aborted alerts) take one each. The running total of
   * committed alerts the alert rate is taken from counts neither.
   */
  @Test
  void countsTheCommittedAlertsButNoTransactionMarkerNorAbortedAlert() throws Exception {
    LocalKafka kafka = TestKafka.broker();
    kafka.createTopic(TRANSACTIONS, 1, Map.of());
    kafka.createTopic(ALERTS, 2, Map.of());
    try (Admin admin = kafka.admin();
        KafkaConsumer<byte[], byte[]> gapReader = readCommitted(kafka);
        KafkaConsumer<byte[], byte[]> otherGapReader = readCommitted(kafka)) {
      KafkaOffsetsReader reader = reader(admin, gapReader, 1000);
      // Stretches of more than 0 offsets count as offsets: the count's bound.
      KafkaOffsetsReader offsetsOnly = reader(admin, otherGapReader, 0);
      assertThat(reader.read(Instant.now()).alertsCommitted()).isZero();
      assertThat(offsetsOnly.read(Instant.now()).alertsCommitted()).isZero();

      try (KafkaProducer<String, String> producer = transactionalProducer(kafka)) {
        producer.initTransactions();
        inTransaction(producer, Map.of(0, 5), true); // p0: 0-4, commit marker 5
        inTransaction(producer, Map.of(0, 3), false); // p0: 6-8 aborted, abort marker 9
        inTransaction(producer, Map.of(0, 2, 1, 2), true); // p0: 10-11, 12; p1: 0-1, 2
      }
      // 16 offsets, 9 committed alerts; the markers reach the partitions just after the commit.
      OffsetsSample sample =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> reader.read(Instant.now()), s -> lastStableSum(s) == 16);
      assertThat(sample.alertsCommitted()).isEqualTo(9);
      assertThat(offsetsOnly.read(Instant.now()).alertsCommitted()).isEqualTo(16);

      try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka))) {
        producer.send(new ProducerRecord<>(ALERTS, 1, "k", "plain")).get();
      }
      OffsetsSample later = reader.read(Instant.now());
      assertThat(lastStableSum(later)).isEqualTo(17);
      assertThat(later.alertsCommitted()).isEqualTo(10);
    }
  }

  private static KafkaOffsetsReader reader(
      Admin admin, KafkaConsumer<byte[], byte[]> gapReader, int exactCountMaxGap) {
    return new KafkaOffsetsReader(
        admin,
        gapReader,
        List.of(TRANSACTIONS, ALERTS),
        TRANSACTIONS,
        ALERTS,
        "reader-group",
        Duration.ofSeconds(10),
        exactCountMaxGap);
  }

  private static long lastStableSum(OffsetsSample sample) {
    return sample.topics().stream()
        .filter(t -> t.name().equals(ALERTS))
        .map(TopicSample::partitions)
        .flatMap(List::stream)
        .mapToLong(PartitionSample::lastStable)
        .sum();
  }

  private static void inTransaction(
      KafkaProducer<String, String> producer, Map<Integer, Integer> perPartition, boolean commit) {
    producer.beginTransaction();
    perPartition.forEach(
        (partition, n) -> {
          for (int i = 0; i < n; i++) {
            producer.send(new ProducerRecord<>(ALERTS, partition, "k", "alert-" + i));
          }
        });
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  private static KafkaConsumer<byte[], byte[]> readCommitted(LocalKafka kafka) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static KafkaProducer<String, String> transactionalProducer(LocalKafka kafka) {
    Map<String, Object> config = producerConfig(kafka);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reader-test-tx");
    return new KafkaProducer<>(config);
  }

  private static Map<String, Object> producerConfig(LocalKafka kafka) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }
}
