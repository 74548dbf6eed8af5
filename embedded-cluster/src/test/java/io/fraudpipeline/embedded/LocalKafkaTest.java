package io.fraudpipeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kafka.server.ControllerServer;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {

  @Test
  void committedTransactionsAreReadableAndAbortedOnesAreNot() throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopic("t", 2, Map.of());
      try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "tx-1")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "committed"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "aborted"));
        producer.flush();
        producer.abortTransaction();
      }
      assertThat(readCommitted(kafka, "t", 1)).containsExactly("committed");
    }
  }

  @Test
  void restartedOnTheSameDirectoryKeepsTopicsAndRecords(@TempDir Path dir) throws Exception {
    try (LocalKafka kafka = LocalKafka.start(0, dir)) {
      kafka.createTopic("kept", 1, Map.of("cleanup.policy", "compact"));
      try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "tx-2")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("kept", "k", "v1"));
        producer.commitTransaction();
      }
    }
    try (LocalKafka kafka = LocalKafka.start(0, dir)) {
      assertThat(readCommitted(kafka, "kept", 1)).containsExactly("v1");
    }
  }

  /**
   * A broker that asks its controller for a controlled shutdown waits up to 5 minutes for the
   * approval (Kafka's {@code KafkaBroker.shutdown()}): a control-api test once spent 4.5 minutes in
   * such a close. Alone on its node, a broker has no other replica to hand its partitions to, so it
   * does not ask; here its controller, stopped first, could not have answered.
   */
  @Test
  void closesInSecondsEvenWhenItsControllerNoLongerAnswers() throws Exception {
    LocalKafka kafka = LocalKafka.start();
    try {
      kafka.createTopic("led", 2, Map.of());
      controllerOf(kafka).shutdown();
    } finally {
      assertTimeoutPreemptively(Duration.ofSeconds(30), kafka::close);
    }
  }

  @SuppressWarnings("unchecked")
  private static ControllerServer controllerOf(LocalKafka kafka)
      throws ReflectiveOperationException {
    Field server = LocalKafka.class.getDeclaredField("server");
    server.setAccessible(true);
    Field controller = KafkaRaftServer.class.getDeclaredField("controller");
    controller.setAccessible(true);
    return ((scala.Option<ControllerServer>) controller.get(server.get(kafka))).get();
  }

  private static KafkaProducer<String, String> transactionalProducer(LocalKafka kafka, String id) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            id),
        new StringSerializer(),
        new StringSerializer());
  }

  private static List<String> readCommitted(LocalKafka kafka, String topic, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      // One more poll: anything beyond the expected records (e.g. an aborted one) shows up here.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
    }
    return values;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
