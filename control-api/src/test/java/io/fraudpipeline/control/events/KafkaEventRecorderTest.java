package io.fraudpipeline.control.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fraudpipeline.control.support.Ports;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** Recording while Kafka does not answer: the caller (the reconciler's loop) never notices. */
class KafkaEventRecorderTest {

  @Test
  void recordingNeverWaitsForKafkaNorThrowsAndCountsWhatItCannotWrite() {
    String nowhere = "127.0.0.1:" + Ports.free();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Duration kafkaTimeout = Duration.ofSeconds(2);
    try (Admin admin =
            Admin.create(
                Map.<String, Object>of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000));
        EventLogWriter writer =
            new EventLogWriter(
                new NewTopic("events", 1, (short) 1),
                admin,
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    nowhere,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    2_000),
                kafkaTimeout,
                2,
                meters)) {
      writer.start();
      EventRecorder recorder =
          new KafkaEventRecorder(
              new StaticListableBeanFactory()
                  .getBeanProvider(io.fraudpipeline.control.leadership.Leadership.class),
              new EventMetrics(meters),
              writer,
              Clock.systemUTC());

      long started = System.nanoTime();
      assertThatCode(
              () -> {
                for (int i = 0; i < 20; i++) {
                  recorder.warning(EventReason.FLINK_UNREACHABLE, "no answer " + i, null);
                }
              })
          .doesNotThrowAnyException();

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("20 events recorded while Kafka does not answer")
          .isLessThan(Duration.ofSeconds(1));
      assertThat(
              meters
                  .get("fraud.events")
                  // Every type of every reason is registered: name the one recorded.
                  .tag("type", "warning")
                  .tag("reason", EventReason.FLINK_UNREACHABLE)
                  .counter()
                  .count())
          .isEqualTo(20);
      // The writer holds one event and queues two: the rest are dropped, and counted.
      assertThat(meters.get("fraud.events.unwritten").tag("cause", "queue_full").counter().count())
          .isGreaterThanOrEqualTo(17);
    }
  }
}
