package io.fraudpipeline.producer.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.producer.SharedKafka;
import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.Label;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The send path against a real single-node KRaft broker: what arrives, and what is counted. */
class SyntheticProducerKafkaTest {

  private static LocalKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = SharedKafka.get();
  }

  private static RunSettings.Builder settings(String topic) {
    return RunSettings.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .topic(topic)
        .generator(g -> g.seed(2024).startTime(Instant.parse("2025-04-01T09:00:00Z")));
  }

  /** Every record on the topic, in offset order per partition, until {@code expected} arrived. */
  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, long expected) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // Anything beyond the expected count would be a duplicate: give it a moment to show up.
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    return records;
  }

  @Test
  void deliversEveryGeneratedRecordOnceKeyedByAccountAndCountsItAcknowledged() throws Exception {
    String topic = "tx-count";
    kafka.createTopic(topic, 3, Map.of());
    RunSettings run =
        settings(topic)
            .ratePerSecond(0)
            .count(5_000L)
            .generator(g -> g.fraudRatio(0.05).malformedRatio(0.05))
            .build();

    ProducerRun handle = SyntheticProducer.start(run, Map.of());
    // Generous: CI machines are shared; a slow run is not a failed one.
    assertThat(handle.awaitCompletion(Duration.ofSeconds(180))).isTrue();

    RunProgress done = handle.progress();
    assertThat(done.state()).isEqualTo(RunState.COMPLETED);
    assertThat(done.sent()).isEqualTo(5_000);
    assertThat(done.acknowledged()).isEqualTo(5_000);
    assertThat(done.failed()).isZero();
    assertThat(done.allAcknowledged()).isTrue();

    List<ConsumerRecord<String, byte[]>> arrived = readAll(topic, 5_000);
    assertThat(arrived).hasSize(5_000);
    // The exact multiset of (key, value) the generator makes for these settings arrived; records of
    // one account are in one partition, in generation order.
    TransactionGenerator expected = new TransactionGenerator(handle.generatorSettings());
    Map<String, List<byte[]>> expectedByKey = new HashMap<>();
    Map<Label, Long> labels = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      GeneratedRecord record = expected.next();
      expectedByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
      labels.merge(record.label(), 1L, Long::sum);
    }
    Map<String, List<byte[]>> arrivedByKey = new HashMap<>();
    Map<String, Integer> partitionOfKey = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : arrived) {
      arrivedByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
      Integer previous = partitionOfKey.put(record.key(), record.partition());
      assertThat(previous == null || previous == record.partition()).isTrue();
    }
    assertThat(arrivedByKey.keySet()).isEqualTo(expectedByKey.keySet());
    for (Map.Entry<String, List<byte[]>> entry : expectedByKey.entrySet()) {
      assertThat(arrivedByKey.get(entry.getKey()))
          .as("records of %s", entry.getKey())
          .containsExactlyElementsOf(entry.getValue());
    }
    assertThat(done.sentByLabel()).isEqualTo(labels);
    long valid =
        arrived.stream()
            .filter(r -> FraudJson.parseTransaction(r.value()) instanceof ParseResult.Valid)
            .count();
    long malformed =
        labels.entrySet().stream()
            .filter(e -> e.getKey().isMalformed())
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertThat(valid).isEqualTo(5_000 - malformed);
  }

  @Test
  void stopFlushesEveryRecordInFlightAndTheTopicHoldsExactlyWhatWasAcknowledged() throws Exception {
    String topic = "tx-stop";
    kafka.createTopic(topic, 2, Map.of());
    // Unbounded and paced: only stop() ends it. A long linger keeps records in flight.
    RunSettings run = settings(topic).ratePerSecond(2_000).build();
    ProducerRun handle = SyntheticProducer.start(run, Map.of("linger.ms", 500));

    await().atMost(Duration.ofSeconds(30)).until(() -> handle.progress().acknowledged() >= 2_000);
    RunProgress running = handle.progress();
    assertThat(running.state()).isEqualTo(RunState.RUNNING);
    assertThat(running.currentRate()).isPositive();

    handle.stop();
    assertThat(handle.awaitCompletion(Duration.ofSeconds(30))).isTrue();

    RunProgress done = handle.progress();
    assertThat(done.state()).isEqualTo(RunState.STOPPED);
    assertThat(done.inFlight()).isZero();
    assertThat(done.failed()).isZero();
    assertThat(done.acknowledged()).isEqualTo(done.sent()).isGreaterThan(running.acknowledged());
    // The pacer never runs ahead: one initial token, then the rate times the elapsed time.
    assertThat(done.sent()).isLessThanOrEqualTo(2_000 * done.elapsed().toMillis() / 1000 + 21);
    assertThat(readAll(topic, done.sent())).hasSize((int) done.sent());
  }

  @Test
  void aRecordKafkaRejectsFailsTheRunAndIsCountedNotDropped() throws Exception {
    String topic = "tx-small";
    kafka.createTopic(topic, 1, Map.of());
    // Oversized malformed records (> 64 KiB) exceed this producer's request limit, so Kafka
    // rejects each one through the send callback.
    RunSettings run =
        settings(topic)
            .ratePerSecond(0)
            .count(50_000L)
            .generator(g -> g.malformedRatio(0.2))
            .build();

    ProducerRun handle = SyntheticProducer.start(run, Map.of("max.request.size", 20_000));
    // Generous: CI machines are shared; a slow run is not a failed one.
    assertThat(handle.awaitCompletion(Duration.ofSeconds(180))).isTrue();

    RunProgress done = handle.progress();
    assertThat(done.state()).isEqualTo(RunState.FAILED);
    assertThat(done.failed()).isPositive();
    assertThat(done.acknowledged() + done.failed()).isEqualTo(done.sent());
    assertThat(done.sent()).isLessThan(50_000);
    assertThat(done.lastError()).startsWith("RecordTooLargeException");
    assertThat(done.allAcknowledged()).isFalse();
    assertThat(readAll(topic, done.acknowledged())).hasSize((int) done.acknowledged());
  }

  @Test
  void rejectsAnUnusableProducerConfigurationAtStart() {
    RunSettings run = settings("tx-any").count(1L).build();
    assertThatThrownBy(() -> SyntheticProducer.start(run, Map.of("acks", "sometimes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot create the Kafka producer: ");
  }
}
