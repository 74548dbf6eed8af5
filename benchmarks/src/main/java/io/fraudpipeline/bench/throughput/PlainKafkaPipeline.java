package io.fraudpipeline.bench.throughput;

import io.fraudpipeline.model.DlqHeaders;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The throughput baseline: what a developer writes with plain kafka-clients instead of Flink. Each
 * of {@code parallelism} threads owns a consumer (a share of the partitions) and a producer, and
 * loops: poll → parse with fraud-model's codec → judge with fraud-model's amount rule → produce the
 * alerts (and dead letters) →
 *
 * <ul>
 *   <li>exactly-once: the batch's alerts and its consumed offsets in one Kafka transaction, one per
 *       poll;
 *   <li>at-least-once: flush the producer, then commit the offsets synchronously.
 * </ul>
 *
 * It stops by itself at the end offsets the input had when it started.
 */
public final class PlainKafkaPipeline {

  private static final Duration POLL = Duration.ofMillis(100);

  private PlainKafkaPipeline() {}

  /**
   * Runs the loop to the end of {@code inputTopic} and returns when every thread is done.
   *
   * @param name consumer group and transactional id prefix, unique per run
   */
  public static void run(
      String bootstrapServers,
      String inputTopic,
      String alertsTopic,
      String dlqTopic,
      int parallelism,
      boolean exactlyOnce,
      String name)
      throws Exception {
    List<TopicPartition> partitions;
    Map<TopicPartition, Long> endOffsets;
    try (KafkaConsumer<byte[], byte[]> probe = consumer(bootstrapServers, name)) {
      partitions =
          probe.partitionsFor(inputTopic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(inputTopic, p.partition()))
              .toList();
      endOffsets = probe.endOffsets(partitions, Duration.ofSeconds(30));
    }
    AtomicInteger threadNumbers = new AtomicInteger();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            parallelism, r -> new Thread(r, "plain-loop-" + threadNumbers.incrementAndGet()));
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < parallelism; i++) {
        List<TopicPartition> share = new ArrayList<>();
        for (int p = i; p < partitions.size(); p += parallelism) {
          share.add(partitions.get(p));
        }
        Worker worker =
            new Worker(bootstrapServers, alertsTopic, dlqTopic, exactlyOnce, name, i, share);
        workers.add(threads.submit(() -> worker.run(endOffsets)));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String group) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** One thread's loop over its share of the partitions. */
  private static final class Worker {
    private final String alertsTopic;
    private final String dlqTopic;
    private final boolean exactlyOnce;
    private final List<TopicPartition> share;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final RuleSet rules = RuleSet.DEFAULT;

    Worker(
        String bootstrapServers,
        String alertsTopic,
        String dlqTopic,
        boolean exactlyOnce,
        String name,
        int index,
        List<TopicPartition> share) {
      this.alertsTopic = alertsTopic;
      this.dlqTopic = dlqTopic;
      this.exactlyOnce = exactlyOnce;
      this.share = share;
      this.consumer = consumer(bootstrapServers, name);
      Map<String, Object> config = new HashMap<>();
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      if (exactlyOnce) {
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name + "-" + index);
      }
      this.producer =
          new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    Void run(Map<TopicPartition, Long> endOffsets) {
      try (consumer;
          producer) {
        consumer.assign(share);
        consumer.seekToBeginning(share);
        if (exactlyOnce) {
          producer.initTransactions();
        }
        while (!reachedEnd(endOffsets)) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
          if (records.isEmpty()) {
            continue;
          }
          if (exactlyOnce) {
            producer.beginTransaction();
          }
          Instant now = Instant.now();
          for (ConsumerRecord<byte[], byte[]> record : records) {
            process(record, now);
          }
          Map<TopicPartition, OffsetAndMetadata> offsets = nextOffsets(records);
          if (exactlyOnce) {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
          } else {
            producer.flush();
            consumer.commitSync(offsets);
          }
        }
      }
      return null;
    }

    private void process(ConsumerRecord<byte[], byte[]> record, Instant now) {
      ParseResult<Transaction> parsed = FraudJson.parseTransaction(record.value());
      if (parsed instanceof ParseResult.Valid<Transaction> valid) {
        Transaction tx = valid.value();
        if (tx.timestamp() == null) {
          tx = tx.withTimestamp(Instant.ofEpochMilli(record.timestamp()));
        }
        FraudAlert alert = FraudAlert.amountAlertOrNull(tx, rules, now);
        if (alert != null) {
          producer.send(
              new ProducerRecord<>(alertsTopic, alert.accountId(), FraudJson.write(alert)));
        }
      } else if (parsed instanceof ParseResult.Invalid<Transaction> invalid) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(dlqTopic, null, record.value());
        dead.headers()
            .add(DlqHeaders.REASON, invalid.reason().getBytes(StandardCharsets.UTF_8))
            .add(DlqHeaders.SOURCE_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        producer.send(dead);
      }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
        ConsumerRecords<byte[], byte[]> records) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition partition : records.partitions()) {
        List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
        offsets.put(partition, new OffsetAndMetadata(batch.get(batch.size() - 1).offset() + 1));
      }
      return offsets;
    }

    private boolean reachedEnd(Map<TopicPartition, Long> endOffsets) {
      for (TopicPartition partition : share) {
        if (consumer.position(partition) < endOffsets.get(partition)) {
          return false;
        }
      }
      return true;
    }
  }
}
