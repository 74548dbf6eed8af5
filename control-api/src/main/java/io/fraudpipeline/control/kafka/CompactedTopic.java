package io.fraudpipeline.control.kafka;

import io.fraudpipeline.model.FraudJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import tools.jackson.core.JacksonException;

/**
 * A small compacted Kafka topic used as a durable table of JSON values by key: one partition,
 * created on first use, the latest value of a key wins and a tombstone removes it. Writes return
 * once Kafka has them; every read first catches up to the topic's current end (a {@link
 * TopicTail}), so it sees every write made before it, by this control plane or another. Kafka
 * failing or not answering within the timeout (a read: within the read timeout, from its call) is a
 * {@link KafkaUnavailableException}.
 *
 * @param <V> the value type, written with the wire contract's codec ({@link FraudJson#mapper()})
 */
public final class CompactedTopic<V> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CompactedTopic.class);

  private final String topic;
  private final String description;
  private final Class<V> type;
  private final Duration timeout;
  private final Duration readTimeout;
  private final short replicationFactor;
  private final Admin admin;
  private final TopicTail tail;
  private final Map<String, V> table = new LinkedHashMap<>();
  private final ReentrantLock reading = new ReentrantLock();
  private final Map<String, Object> producerConfig;
  private KafkaProducer<String, byte[]> producer;
  private volatile boolean topicEnsured;

  /**
   * @param topic the topic's name
   * @param description what the topic holds, for logs and errors (e.g. "savepoint history")
   * @param type the values' type
   * @param clientId Kafka client id of the writer; the reader's gets {@code -reader} appended
   * @param consumers where the reader comes from
   * @param replicationFactor replication factor if the topic has to be created
   * @param admin the shared admin client
   * @param kafka Boot's Kafka settings (servers, security)
   * @param timeout the longest each Kafka call of a write may take
   * @param readTimeout the longest one read may take, from its call: making sure the topic exists,
   *     waiting for a read in progress (another caller's) and catching up included
   */
  public CompactedTopic(
      String topic,
      String description,
      Class<V> type,
      String clientId,
      short replicationFactor,
      Admin admin,
      ReadCommittedConsumers consumers,
      KafkaProperties kafka,
      Duration timeout,
      Duration readTimeout) {
    this.topic = topic;
    this.description = description;
    this.type = type;
    this.timeout = timeout;
    this.readTimeout = readTimeout;
    this.replicationFactor = replicationFactor;
    this.admin = admin;
    Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
    producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() / 2);
    producer.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    this.producerConfig = producer;
    this.tail =
        new TopicTail(consumers.create(clientId + "-reader", readTimeout), topic, readTimeout);
  }

  /** Writes the key's new value; returns once Kafka has it. */
  public void put(String key, V value) {
    send(key, FraudJson.mapper().writeValueAsBytes(value));
  }

  /** Writes a tombstone: compaction removes the key; returns once Kafka has it. */
  public void remove(String key) {
    send(key, null);
  }

  private void send(String key, byte[] value) {
    ensureTopic(timeout);
    try {
      producer()
          .send(new ProducerRecord<>(topic, key, value))
          .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while writing to the " + description, e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new KafkaUnavailableException(
          "Cannot record "
              + key
              + " in the "
              + description
              + " topic "
              + topic
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Every key's latest value, in the order the keys were first written; unreadable ones left out.
   */
  public Map<String, V> readAll() {
    long deadline = System.nanoTime() + readTimeout.toNanos();
    // With Kafka down, a read took the writes' timeout (10 s) to make sure of the topic and to
    // catch up, and waited unbounded behind a background read: a GET answered 503 after 10 s or
    // more. One deadline for all of it.
    ensureTopic(readTimeout);
    // Its own lock, not the producer's: a write need not wait for a slow read.
    try {
      if (!reading.tryLock(left(deadline).toNanos(), TimeUnit.NANOSECONDS)) {
        throw new KafkaUnavailableException(
            "Cannot read the "
                + description
                + " from topic "
                + topic
                + ": the read in progress did not end within "
                + readTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while reading the " + description, e);
    }
    try {
      tail.catchUp(this::apply, left(deadline));
      return new LinkedHashMap<>(table);
    } catch (KafkaException e) {
      throw new KafkaUnavailableException(
          "Cannot read the " + description + " from topic " + topic + ": " + e.getMessage(), e);
    } finally {
      reading.unlock();
    }
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    String key = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      table.remove(key);
    } else {
      parse(r).ifPresent(value -> table.put(key, value));
    }
  }

  /** Created on first use: a control plane that never writes here needs no producer. */
  private synchronized KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      producer =
          new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    tail.close();
  }

  private Optional<V> parse(ConsumerRecord<byte[], byte[]> r) {
    try {
      return Optional.of(FraudJson.mapper().readValue(r.value(), type));
    } catch (JacksonException e) {
      log.warn(
          "Ignoring unreadable record at {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getOriginalMessage());
      return Optional.empty();
    }
  }

  /**
   * Creates the compacted topic once; it is created here rather than at start-up so a broker that
   * is down at start-up only delays it.
   */
  private void ensureTopic(Duration timeout) {
    if (topicEnsured) {
      return;
    }
    NewTopic newTopic =
        new NewTopic(topic, 1, replicationFactor)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    if (TopicCreation.ensure(admin, newTopic, timeout)) {
      log.info("Created compacted {} topic {}", description, topic);
    }
    topicEnsured = true;
  }
}
