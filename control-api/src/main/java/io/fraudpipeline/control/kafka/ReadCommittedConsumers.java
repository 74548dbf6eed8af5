package io.fraudpipeline.control.kafka;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates the control plane's reading consumers from Boot's consumer factory (so {@code
 * spring.kafka.*} is the one source of connection settings): raw bytes, {@code read_committed},
 * assigned partitions only, never committing. Each reader decodes with the wire contract.
 */
@Component
public class ReadCommittedConsumers {

  /**
   * The longest the close of a {@link #open}ed consumer waits, as the shared Admin's: Kafka's own
   * close waits up to 30 s for the requests it still owes a broker (closing its fetch sessions),
   * which a broker that is gone never answers.
   */
  public static final Duration CLOSE_TIMEOUT = KafkaClientsConfiguration.CLOSE_TIMEOUT;

  /**
   * A consumer of one request, whose close waits at most {@link #CLOSE_TIMEOUT}: a request thread
   * is not held 30 s by the close of a consumer whose broker went away.
   */
  public record Reader(Consumer<byte[], byte[]> consumer) implements AutoCloseable {
    @Override
    public void close() {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }
  }

  private final ConsumerFactory<?, ?> factory;

  public ReadCommittedConsumers(ConsumerFactory<?, ?> factory) {
    this.factory = factory;
  }

  /**
   * A new consumer; the caller owns and closes it.
   *
   * @param clientId the Kafka client id, to recognise the reader in broker logs and quotas
   * @param apiTimeout the default timeout of its blocking calls
   */
  public Consumer<byte[], byte[]> create(String clientId, Duration apiTimeout) {
    // These readers poll on demand up to a known end offset, then stop. The fetch a consumer
    // leaves parked at the broker after a poll is not answered when a transaction commits (the
    // read_committed end moves, no bytes arrive), so with the default 500 ms wait the next read
    // after a write (a rule change's read-back) waited for it to expire: PATCH /api/v1/rules
    // took 250-350 ms instead of tens of milliseconds.
    return create(clientId, apiTimeout, Duration.ofMillis(10));
  }

  /** {@link #create}, for one request: closed within {@link #CLOSE_TIMEOUT}. */
  public Reader open(String clientId, Duration apiTimeout) {
    return new Reader(create(clientId, apiTimeout));
  }

  /**
   * A new consumer for a {@link TopicFollower} of a topic written without transactions; the caller
   * owns and closes it. Such a follower waits in poll for records, and an append answers its parked
   * fetch at once, so the broker may hold the fetch for Kafka's default 500 ms: with the 10 ms of
   * {@link #create} it would fetch a hundred times a second while nothing happens.
   */
  public Consumer<byte[], byte[]> createFollower(String clientId, Duration apiTimeout) {
    return create(clientId, apiTimeout, Duration.ofMillis(500));
  }

  @SuppressWarnings("unchecked")
  private Consumer<byte[], byte[]> create(
      String clientId, Duration apiTimeout, Duration fetchMaxWait) {
    Properties overrides = new Properties();
    overrides.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    overrides.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    overrides.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Looking up a missing topic must not create it with the broker's defaults (a fraud-rules
    // topic that is not compacted): the pipeline topics are created with their own settings.
    overrides.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    overrides.put(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(apiTimeout.toMillis()));
    overrides.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(fetchMaxWait.toMillis()));
    // A broker that is down must not turn into a reconnect storm in the log.
    overrides.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
    return (Consumer<byte[], byte[]>) factory.createConsumer(null, clientId, null, overrides);
  }
}
