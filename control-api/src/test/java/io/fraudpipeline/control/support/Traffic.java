package io.fraudpipeline.control.support;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes transactions and reads committed alerts, as the pipeline's neighbours do. */
public final class Traffic implements AutoCloseable {

  private final String bootstrap;
  private final KafkaProducer<String, byte[]> producer;

  public Traffic(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Sends {@code count} transactions of which every {@code fraudEvery}-th is above the default
   * threshold of 5000; returns the ids of those that must raise an alert.
   */
  public List<String> send(String prefix, int count, int fraudEvery) {
    List<String> fraudulent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean fraud = i % fraudEvery == 0;
      String id = prefix + "-" + i;
      String account = "acct-" + (i % 7);
      Transaction tx =
          new Transaction(
              id,
              account,
              fraud ? new BigDecimal("9000.00") : new BigDecimal("12.50"),
              "EUR",
              "shop",
              "retail",
              "NL",
              Instant.now());
      producer.send(new ProducerRecord<>("transactions", account, FraudJson.write(tx)));
      if (fraud) {
        fraudulent.add(id);
      }
    }
    producer.flush();
    return fraudulent;
  }

  /** Every committed alert on the topic so far, read from the beginning. */
  public List<FraudAlert> committedAlerts() {
    return alerts("read_committed");
  }

  /**
   * Every alert the job wrote so far, committed or not yet (read_uncommitted): what the job has
   * processed, before a checkpoint commits it.
   */
  public List<FraudAlert> writtenAlerts() {
    return alerts("read_uncommitted");
  }

  private List<FraudAlert> alerts(String isolationLevel) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<FraudAlert> alerts = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("fraud-alerts", Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          alerts.add(FraudJson.readAlert(record.value()));
        }
        boolean done = true;
        for (TopicPartition p : partitions) {
          done &= consumer.position(p) >= end.get(p);
        }
        if (done) {
          break;
        }
      }
    }
    return alerts;
  }

  /**
   * Waits until the committed alerts (read_committed) are exactly one per transaction of {@code
   * expected}: none missing, none duplicated, none unexpected.
   */
  public void awaitEveryAlertExactlyOnce(java.util.Collection<String> expected, Duration atMost) {
    org.awaitility.Awaitility.await()
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<String> wanted;
              synchronized (expected) {
                wanted = List.copyOf(expected);
              }
              Map<String, Long> alertsPerTransaction =
                  committedAlerts().stream()
                      .collect(
                          java.util.stream.Collectors.groupingBy(
                              a -> a.transaction().transactionId(),
                              java.util.stream.Collectors.counting()));
              org.assertj.core.api.Assertions.assertThat(alertsPerTransaction.keySet())
                  .containsExactlyInAnyOrderElementsOf(wanted);
              org.assertj.core.api.Assertions.assertThat(alertsPerTransaction.values())
                  .allMatch(count -> count == 1);
            });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
