package io.fraudpipeline.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;

class ReadCommittedConsumersTest {

  /**
   * Kafka's {@code close()} waits up to 30 s (its default close timeout, bounded by {@code
   * request.timeout.ms}, also 30 s) for the close of the fetch sessions a consumer holds, which a
   * broker that keeps its connections but no longer answers (frozen, cut off by the network) never
   * acknowledges; that held a backtest's request thread. A broker shut down on this host refuses
   * connections, which ends such a close at once (5 ms measured), so the wait is played here by a
   * consumer that waits as Kafka's does: as long as its close is allowed to, up to 30 s.
   */
  @Test
  void aRequestsConsumerClosesWithinTheCloseTimeoutWhenItsBrokerNoLongerAnswers() {
    AtomicReference<Duration> allowed = new AtomicReference<>();
    MockConsumer<byte[], byte[]> unanswered =
        new MockConsumer<>("earliest") {
          @Override
          public synchronized void close() {
            close(CloseOptions.timeout(Duration.ofSeconds(30)));
          }

          @Override
          public synchronized void close(CloseOptions options) {
            Duration timeout = options.timeout().orElse(Duration.ofSeconds(30));
            allowed.set(timeout);
            try {
              Thread.sleep(Math.min(timeout.toMillis(), 30_000));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.close(options);
          }
        };
    ReadCommittedConsumers.Reader reader = new ReadCommittedConsumers.Reader(unanswered);

    assertTimeoutPreemptively(
        ReadCommittedConsumers.CLOSE_TIMEOUT.plusSeconds(3), () -> reader.close());
    assertThat(allowed.get()).isEqualTo(ReadCommittedConsumers.CLOSE_TIMEOUT);
    assertThat(unanswered.closed()).isTrue();
  }
}
