package io.fraudpipeline.job.support;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Topics;
import io.fraudpipeline.model.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces to and reads from the test broker, as the job's neighbours would. */
public final class KafkaTestClient implements AutoCloseable {

  private final String bootstrapServers;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaTestClient(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public RecordMetadata send(String topic, String key, byte[] value) {
    return send(new ProducerRecord<>(topic, utf8(key), value));
  }

  public RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
    try {
      return producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + record.topic(), e);
    }
  }

  /** Sends transactions keyed by account, in order, and waits until all are acknowledged. */
  public void sendTransactions(String topic, List<Transaction> transactions) {
    List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
    for (Transaction tx : transactions) {
      acks.add(
          producer.send(new ProducerRecord<>(topic, utf8(tx.accountId()), FraudJson.write(tx))));
    }
    for (var ack : acks) {
      try {
        ack.get();
      } catch (Exception e) {
        throw new IllegalStateException("cannot send to " + topic, e);
      }
    }
  }

  public void publishRules(String topic, RuleSet rules) {
    send(topic, Topics.RULES_KEY, FraudJson.write(rules));
  }

  public void publishRules(String topic, byte[] raw) {
    send(topic, Topics.RULES_KEY, raw);
  }

  /** Every committed record of the topic from the beginning, read until {@code done} or timeout. */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(records) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** Committed alerts, read until at least {@code atLeast} arrived (or timeout). */
  public List<FraudAlert> alerts(String topic, int atLeast, Duration timeout) {
    return readCommitted(topic, r -> r.size() >= atLeast, timeout).stream()
        .map(r -> FraudJson.readAlert(r.value()))
        .toList();
  }

  /**
   * Committed alerts once exactly {@code expected} arrived, then {@code settle} longer to catch any
   * extra (a duplicate or a wrong alert would show up there).
   */
  public List<FraudAlert> alertsSettled(
      String topic, int expected, Duration timeout, Duration settle) {
    List<FraudAlert> first = alerts(topic, expected, timeout);
    if (first.size() < expected) {
      return first;
    }
    try {
      Thread.sleep(settle.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return alerts(topic, Integer.MAX_VALUE, Duration.ofSeconds(2));
  }

  public static Map<String, Long> countById(List<FraudAlert> alerts) {
    return alerts.stream()
        .collect(Collectors.groupingBy(FraudAlert::alertId, Collectors.counting()));
  }

  public static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
