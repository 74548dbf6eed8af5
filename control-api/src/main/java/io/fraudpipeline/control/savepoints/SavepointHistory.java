package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.model.FraudJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * The savepoint history, kept in a compacted Kafka topic keyed by savepoint path: it outlives
 * restarts of the control plane and of Flink, and every control-plane instance sees the same one.
 * Each read goes to the topic (it is small), so nothing here can drift from it.
 */
@Component
public class SavepointHistory implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SavepointHistory.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String topic;
  private final short replicationFactor;
  private final Admin admin;
  private final Map<String, Object> consumerConfig;
  private final Map<String, Object> producerConfig;
  private KafkaProducer<String, byte[]> producer;
  private volatile boolean topicEnsured;

  public SavepointHistory(TopicsProperties topics, Admin admin, KafkaProperties kafka) {
    this.topic = topics.savepoints();
    this.replicationFactor = topics.replicationFactor();
    this.admin = admin;
    Map<String, Object> producerConfig = new HashMap<>(kafka.buildProducerProperties());
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "control-api-savepoints");
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
    producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    this.producerConfig = producerConfig;
    Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
    consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "control-api-savepoints-reader");
    this.consumerConfig = consumer;
  }

  /** Records a completed savepoint; returns once Kafka has it. */
  public void append(SavepointRecord record) {
    ensureTopic();
    try {
      producer()
          .send(
              new ProducerRecord<>(
                  topic, record.path(), FraudJson.mapper().writeValueAsBytes(record)))
          .get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
      log.info(
          "Savepoint {} of job {} recorded ({})", record.path(), record.jobId(), record.kind());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while recording savepoint", e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new KafkaUnavailableException(
          "Cannot record savepoint " + record.path() + " in topic " + topic + ": " + e.getMessage(),
          e);
    }
  }

  /** Every recorded savepoint, newest first. */
  public List<SavepointRecord> list() {
    ensureTopic();
    Map<String, SavepointRecord> byPath = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
      List<TopicPartition> assigned = new ArrayList<>();
      for (PartitionInfo p : partitions) {
        assigned.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new KafkaUnavailableException(
              "Reading the savepoint history from topic " + topic + " took longer than " + TIMEOUT,
              null);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            byPath.remove(r.key());
          } else {
            parse(r).ifPresent(record -> byPath.put(r.key(), record));
          }
        }
      }
    } catch (KafkaException e) {
      throw new KafkaUnavailableException(
          "Cannot read the savepoint history from topic " + topic + ": " + e.getMessage(), e);
    }
    List<SavepointRecord> records = new ArrayList<>(byPath.values());
    records.sort(Comparator.comparing(SavepointRecord::createdAt).reversed());
    return records;
  }

  /** The newest recorded savepoint, if any. */
  public Optional<SavepointRecord> latest() {
    return list().stream().findFirst();
  }

  /** Created on first use: a control plane that never records a savepoint needs no producer. */
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
  }

  private static boolean reached(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private Optional<SavepointRecord> parse(ConsumerRecord<String, byte[]> r) {
    try {
      return Optional.of(FraudJson.mapper().readValue(r.value(), SavepointRecord.class));
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
  private void ensureTopic() {
    if (topicEnsured) {
      return;
    }
    NewTopic newTopic =
        new NewTopic(topic, 1, replicationFactor)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    try {
      if (!admin
          .listTopics()
          .names()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic)) {
        admin.createTopics(Set.of(newTopic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Created compacted savepoint history topic {}", topic);
      }
      topicEnsured = true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        topicEnsured = true;
        return;
      }
      throw new KafkaUnavailableException(
          "Cannot create the savepoint history topic " + topic + ": " + e.getCause().getMessage(),
          e);
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "Kafka did not answer within " + TIMEOUT + " (savepoint history topic " + topic + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted", e);
    }
  }
}
