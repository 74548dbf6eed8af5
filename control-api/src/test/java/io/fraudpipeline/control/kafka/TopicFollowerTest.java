package io.fraudpipeline.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.scheduling.Backoff;
import io.fraudpipeline.control.support.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

class TopicFollowerTest {

  private static final Duration SOON = Duration.ofSeconds(10);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<String> read = new CopyOnWriteArrayList<>();
  private final List<Set<TopicPartition>> assigned = new CopyOnWriteArrayList<>();
  private final TopicFollower.Reader reader =
      new TopicFollower.Reader() {
        @Override
        public void read(ConsumerRecords<byte[], byte[]> records) {
          records.forEach(r -> TopicFollowerTest.this.read.add(utf8(r.value())));
        }

        @Override
        public void assigned(Set<TopicPartition> partitions) {
          TopicFollowerTest.this.assigned.add(partitions);
        }
      };

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void handsOverTheRecordsAppendedAfterItStartedAsTheyArrive() {
    String topic = "topic-follower-end";
    TestKafka.broker().createTopic(topic, 1, Map.of());
    send(topic, "before-1", "before-2");
    follow(topic, 0);
    await().atMost(SOON).until(() -> !assigned.isEmpty());

    send(topic, "after-1");
    await().atMost(SOON).until(() -> read.equals(List.of("after-1")));
    send(topic, "after-2");
    await().atMost(SOON).until(() -> read.equals(List.of("after-1", "after-2")));
  }

  @Test
  void startsTheGivenNumberOfRecordsBeforeTheEnd() {
    String topic = "topic-follower-back";
    TestKafka.broker().createTopic(topic, 1, Map.of());
    send(topic, "1", "2", "3", "4", "5");

    follow(topic, 2);

    await().atMost(SOON).until(() -> read.equals(List.of("4", "5")));
  }

  @Test
  void followsATopicCreatedAfterItStartedAndSaysSo() {
    String topic = "topic-follower-later";
    follow(topic, 0);
    await()
        .during(Duration.ofMillis(500))
        .atMost(SOON)
        .until(() -> assigned.isEmpty() && read.isEmpty());

    TestKafka.broker().createTopic(topic, 1, Map.of());
    await()
        .atMost(SOON)
        .until(() -> assigned.equals(List.of(Set.of(new TopicPartition(topic, 0)))));
    send(topic, "first");
    await().atMost(SOON).until(() -> read.equals(List.of("first")));
  }

  @Test
  void anIdleFollowerWaitsInPollInsteadOfFetchingInALoop() {
    String topic = "topic-follower-idle";
    TestKafka.broker().createTopic(topic, 1, Map.of());
    Consumer<byte[], byte[]> consumer = follow(topic, 0);
    await().atMost(SOON).until(() -> !assigned.isEmpty());
    double before = fetches(consumer);

    // With the 10 ms fetch wait of the on-demand readers, that would be some 200 fetches.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> fetches(consumer) - before <= 10);
  }

  @Test
  void closeEndsAPollInProgressAtOnce() {
    String topic = "topic-follower-close";
    TestKafka.broker().createTopic(topic, 1, Map.of());
    TopicFollower follower =
        new TopicFollower(
            "test-follower",
            consumers().createFollower("test-follower", Duration.ofSeconds(5)),
            List.of(topic),
            0,
            reader);
    follower.start();
    await().atMost(SOON).until(() -> !assigned.isEmpty());

    long start = System.nanoTime();
    follower.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void retriesAnUnreachableKafkaAfterGrowingWaitsAndFollowsOnceItAnswers() {
    TopicPartition partition = new TopicPartition("unreachable", 0);
    List<Long> tries = new CopyOnWriteArrayList<>();
    AtomicInteger failuresLeft = new AtomicInteger(6);
    MockConsumer<byte[], byte[]> consumer =
        new MockConsumer<>("earliest") {
          @Override
          public List<PartitionInfo> partitionsFor(String topic) {
            tries.add(System.nanoTime());
            if (failuresLeft.getAndDecrement() > 0) {
              throw new TimeoutException("Kafka does not answer");
            }
            return List.of(new PartitionInfo(topic, 0, null, null, null));
          }
        };
    consumer.updateBeginningOffsets(Map.of(partition, 0L));
    consumer.updateEndOffsets(Map.of(partition, 0L));
    TopicFollower follower =
        new TopicFollower(
            "test-retries",
            consumer,
            List.of(partition.topic()),
            0,
            new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)),
            reader);
    follower.start();
    try {
      await().atMost(SOON).until(() -> assigned.equals(List.of(Set.of(partition))));
    } finally {
      follower.close();
    }

    List<Duration> waits = new ArrayList<>();
    for (int i = 1; i < 7; i++) {
      waits.add(Duration.ofNanos(tries.get(i) - tries.get(i - 1)));
    }
    // 50, 100, 200, then 200 ms: no busy loop, and not waiting more than the maximum.
    assertThat(waits.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
    assertThat(waits.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(95));
    assertThat(waits.subList(2, 6)).allSatisfy(w -> assertThat(w).isBetween(ms(195), ms(2_000)));
    assertThat(consumer.closed()).isTrue();
  }

  private Consumer<byte[], byte[]> follow(String topic, long recordsBack) {
    Consumer<byte[], byte[]> consumer = consumers().createFollower(topic, Duration.ofSeconds(5));
    TopicFollower follower =
        new TopicFollower("test-" + topic, consumer, List.of(topic), recordsBack, reader);
    follower.start();
    toClose.add(follower);
    return consumer;
  }

  private static ReadCommittedConsumers consumers() {
    KafkaProperties kafka = new KafkaProperties();
    kafka.setBootstrapServers(List.of(TestKafka.broker().bootstrapServers()));
    return new ReadCommittedConsumers(
        new DefaultKafkaConsumerFactory<>(kafka.buildConsumerProperties()));
  }

  private static void send(String topic, String... values) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value));
      }
    }
  }

  private static double fetches(Consumer<byte[], byte[]> consumer) {
    return consumer.metrics().entrySet().stream()
        .filter(
            e ->
                e.getKey().name().equals("fetch-total")
                    && e.getKey().group().equals("consumer-fetch-manager-metrics")
                    && !e.getKey().tags().containsKey("topic"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .sum();
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
