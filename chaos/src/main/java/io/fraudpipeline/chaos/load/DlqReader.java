package io.fraudpipeline.chaos.load;

import io.fraudpipeline.model.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the dead letters of a range of the transactions topic: the job names each one's source
 * partition and offset in headers ({@link DlqHeaders}), so a duplicate is detectable.
 */
public final class DlqReader implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions;
  private final String bootstrapServers;

  public DlqReader(String bootstrapServers, String dlqTopic) {
    this.bootstrapServers = bootstrapServers;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.partitions =
        consumer.partitionsFor(dlqTopic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(dlqTopic, p.partition()))
            .toList();
    consumer.assign(partitions);
  }

  public Map<TopicPartition, Long> endOffsets() {
    return consumer.endOffsets(partitions, Duration.ofSeconds(30));
  }

  /**
   * Reads the DLQ from {@code dlqFrom} to its current end and counts the letters whose source lies
   * between {@code sourceFrom} and {@code sourceTo} (per partition of the transactions topic).
   */
  public DlqCount count(
      Map<TopicPartition, Long> dlqFrom,
      Map<Integer, Long> sourceFrom,
      Map<Integer, Long> sourceTo) {
    Map<TopicPartition, Long> to = endOffsets();
    dlqFrom.forEach(consumer::seek);
    long records = 0;
    Set<String> sources = new HashSet<>();
    while (!reached(to)) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        int partition = Integer.parseInt(header(record, DlqHeaders.SOURCE_PARTITION));
        long offset = Long.parseLong(header(record, DlqHeaders.SOURCE_OFFSET));
        if (offset >= sourceFrom.getOrDefault(partition, Long.MAX_VALUE)
            && offset < sourceTo.getOrDefault(partition, Long.MIN_VALUE)) {
          records++;
          sources.add(partition + ":" + offset);
        }
      }
    }
    return new DlqCount(records, sources.size());
  }

  /**
   * Per DLQ partition, how many records lie beyond what a {@code read_committed} reader may see:
   * the log end minus the last stable offset. More than zero for long means a transaction on that
   * partition is still open, and every later dead letter there waits for it.
   */
  public Map<TopicPartition, Long> uncommittedTail() {
    Map<TopicPartition, Long> stable = endOffsets();
    Map<TopicPartition, Long> tail =
        new java.util.TreeMap<>(java.util.Comparator.comparing(TopicPartition::partition));
    try (KafkaConsumer<byte[], byte[]> uncommitted =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_uncommitted"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      uncommitted
          .endOffsets(partitions, Duration.ofSeconds(30))
          .forEach((partition, end) -> tail.put(partition, end - stable.get(partition)));
    }
    return tail;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    if (header == null) {
      throw new IllegalStateException("a DLQ record without header " + name);
    }
    return new String(header.value(), StandardCharsets.UTF_8);
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
