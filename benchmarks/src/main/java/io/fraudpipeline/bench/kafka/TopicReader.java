package io.fraudpipeline.bench.kafka;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads back what was written to a topic: its end offsets, and transactions between offsets. */
public final class TopicReader implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions;

  public TopicReader(String bootstrapServers, String topic) {
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5000),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
  }

  public Map<TopicPartition, Long> endOffsets() {
    return consumer.endOffsets(partitions, Duration.ofSeconds(30));
  }

  /**
   * The record timestamp of every transaction between {@code from} and {@code to} that {@code
   * rules} flags, by the id of the alert it must raise.
   */
  public Map<String, Long> alertingTransactions(
      Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, RuleSet rules) {
    return groundTruth(from, to, rules).expectedAlerts();
  }

  /**
   * What the records between {@code from} and {@code to} must make the job do under {@code rules}:
   * the amount alerts it must raise, and how many records it must send to the DLQ.
   *
   * @param expectedAlerts the record timestamp of each alerting transaction, by alert id
   * @param transactionIds the id of every valid transaction in the range
   * @param records all records in the range
   * @param invalid records that do not parse or validate: each one belongs in the DLQ
   */
  public record GroundTruth(
      Map<String, Long> expectedAlerts, Set<String> transactionIds, long records, long invalid) {}

  /** Reads the records between {@code from} and {@code to} and judges each as the job would. */
  public GroundTruth groundTruth(
      Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, RuleSet rules) {
    Map<String, Long> timestamps = new HashMap<>();
    Set<String> ids = new HashSet<>();
    long records = 0;
    long invalid = 0;
    from.forEach(consumer::seek);
    Instant now = Instant.now();
    while (!reached(to)) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() >= to.get(new TopicPartition(record.topic(), record.partition()))) {
          continue;
        }
        records++;
        if (FraudJson.parseTransaction(record.value())
            instanceof ParseResult.Valid<Transaction> v) {
          ids.add(v.value().transactionId());
          FraudAlert alert = FraudAlert.amountAlertOrNull(v.value(), rules, now);
          if (alert != null) {
            timestamps.put(alert.alertId(), record.timestamp());
          }
        } else {
          invalid++;
        }
      }
    }
    return new GroundTruth(timestamps, ids, records, invalid);
  }

  private boolean reached(Map<TopicPartition, Long> to) {
    for (TopicPartition partition : partitions) {
      if (consumer.position(partition) < to.get(partition)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
