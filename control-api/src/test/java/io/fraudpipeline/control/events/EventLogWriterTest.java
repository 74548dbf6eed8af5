package io.fraudpipeline.control.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.Ports;
import io.fraudpipeline.embedded.LocalKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The event topic is what {@code GET /api/v1/events} and the webhooks read: an event recorded while
 * the broker is away must reach it once the broker is back (probe 11: the events of a two-minute
 * outage were missing for good, a {@code LeaderLost} among them).
 */
@ExtendWith(OutputCaptureExtension.class)
class EventLogWriterTest {

  private static final String TOPIC = "events";

  @TempDir Path brokerData;

  @Test
  void eventsRecordedWhileTheBrokerIsAwayAreWrittenInOrderOnceItIsBack(CapturedOutput output)
      throws Exception {
    int port = Ports.free();
    LocalKafka kafka = LocalKafka.start(port, brokerData);
    String servers = kafka.bootstrapServers();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<String> recorded = new ArrayList<>();
    try (Admin admin =
            Admin.create(
                Map.<String, Object>of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000));
        EventLogWriter writer =
            new EventLogWriter(
                new NewTopic(TOPIC, 1, (short) 1),
                admin,
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
                    ProducerConfig.LINGER_MS_CONFIG, 0),
                Duration.ofSeconds(2),
                100,
                meters)) {
      writer.start();
      recorded.add(record(writer, "before the outage"));
      await().atMost(Duration.ofSeconds(30)).until(() -> written(servers).size() == 1);

      kafka.close();
      for (int i = 0; i < 3; i++) {
        recorded.add(record(writer, "during the outage " + i));
      }
      // The first of them has failed at least once before the broker comes back.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> output.getOut().contains("Cannot write events to topic " + TOPIC));
      kafka = LocalKafka.start(port, brokerData);

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(written(servers)).containsExactlyElementsOf(recorded));
      assertThat(meters.get("fraud.events.unwritten").tag("cause", "kafka_error").counter().count())
          .isZero();
    } finally {
      kafka.close();
    }
  }

  private static String record(EventLogWriter writer, String message) {
    String id = UUID.randomUUID().toString();
    assertThat(
            writer.offer(
                new PipelineEvent(
                    id,
                    Instant.now(),
                    PipelineEvent.Type.WARNING,
                    EventReason.LEADER_LOST,
                    message,
                    null,
                    "replica-a")))
        .isTrue();
    return id;
  }

  /** The ids in the topic, in its order. */
  private static List<String> written(String servers) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3_000),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<String> ids = new ArrayList<>();
      while (consumer.position(partition) < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> ids.add(r.key()));
      }
      return ids;
    } catch (org.apache.kafka.common.KafkaException e) {
      return List.of();
    }
  }
}
