package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicCreation;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.stereotype.Component;

/**
 * What a backtest reads and writes in Kafka besides its Flink job: how much of the transactions
 * topic is retained and how many records a range holds, the live alerts of the range (read
 * committed), and the backtest's own output topic.
 */
@Component
class BacktestKafka {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Longest a read of a whole range may take. */
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

  private final Admin admin;
  private final ReadCommittedConsumers consumers;
  private final TopicsProperties topics;

  BacktestKafka(Admin admin, ReadCommittedConsumers consumers, TopicsProperties topics) {
    this.admin = admin;
    this.consumers = consumers;
    this.topics = topics;
  }

  boolean transactionsTopicExists() {
    try (var consumer = consumers.create("control-api-backtest-retention", TIMEOUT)) {
      return !partitions(consumer, topics.transactions()).isEmpty();
    } catch (KafkaException e) {
      throw unavailable("look up " + topics.transactions(), e);
    }
  }

  /**
   * The event time of the oldest transaction still retained, as its record timestamp; null when
   * retention has deleted nothing yet (every partition starts at offset 0).
   */
  Instant oldestRetained() {
    try (var consumer = consumers.create("control-api-backtest-retention", TIMEOUT)) {
      List<TopicPartition> partitions = partitions(consumer, topics.transactions());
      // Assigned before their offsets are asked for: see readFrom.
      consumer.assign(partitions);
      Map<TopicPartition, Long> trimmed = new HashMap<>();
      consumer
          .beginningOffsets(partitions, TIMEOUT)
          .forEach(
              (tp, offset) -> {
                if (offset > 0) {
                  trimmed.put(tp, offset);
                }
              });
      if (trimmed.isEmpty()) {
        return null;
      }
      // Only these are read (the others have no oldest record to look for).
      consumer.assign(trimmed.keySet());
      Map<TopicPartition, Long> end = consumer.endOffsets(trimmed.keySet(), TIMEOUT);
      Map<TopicPartition, Long> first = new HashMap<>();
      trimmed.forEach(consumer::seek);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (first.size() < trimmed.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.timestamp());
        }
        // A trimmed partition with nothing left has no oldest record to wait for.
        end.forEach(
            (tp, e) -> {
              if (e <= trimmed.get(tp)) {
                first.putIfAbsent(tp, Long.MIN_VALUE);
              }
            });
      }
      long newest = first.values().stream().mapToLong(Long::longValue).max().orElse(0);
      return newest == Long.MIN_VALUE ? Instant.now() : Instant.ofEpochMilli(newest);
    } catch (KafkaException e) {
      throw unavailable("read the retained transactions", e);
    }
  }

  /** Records (by offset) from the first one at or after {@code from} to the current end. */
  long recordsSince(Instant from) {
    try (var consumer = consumers.create("control-api-backtest-range", TIMEOUT)) {
      List<TopicPartition> partitions = partitions(consumer, topics.transactions());
      // Assigned before their offsets are asked for: see readFrom.
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      Map<TopicPartition, Long> start = startOffsets(consumer, partitions, from, end);
      long total = 0;
      for (TopicPartition tp : partitions) {
        total += Math.max(0, end.get(tp) - start.get(tp));
      }
      return total;
    } catch (KafkaException e) {
      throw unavailable("count the transactions of the range", e);
    }
  }

  /** The live alerts on the alerts topic whose transaction's event time is in the range. */
  List<FraudAlert> liveAlerts(Instant from, Instant to, Duration lookback) {
    List<FraudAlert> alerts = new java.util.ArrayList<>();
    readFrom(
        topics.fraudAlerts(),
        from.minus(lookback),
        r -> {
          FraudAlert alert = FraudJson.readAlert(r.value());
          Instant t = alert.eventTime();
          if (t != null && !t.isBefore(from) && t.isBefore(to)) {
            alerts.add(alert);
          }
        });
    return alerts;
  }

  /** Creates a backtest's output topic (one partition: the alerts of one bounded run). */
  void createOutput(String topic) {
    TopicCreation.ensure(admin, new NewTopic(topic, 1, topics.replicationFactor()), TIMEOUT);
  }

  /** Every alert of a backtest's output topic, once each (the job writes at-least-once). */
  List<FraudAlert> readOutput(String topic) {
    Map<String, FraudAlert> byId = new LinkedHashMap<>();
    readFrom(
        topic,
        Instant.EPOCH,
        r -> {
          FraudAlert alert = FraudJson.readAlert(r.value());
          byId.putIfAbsent(alert.alertId(), alert);
        });
    return List.copyOf(byId.values());
  }

  /** The names of the topics that start with {@code prefix}. */
  Set<String> topicsStartingWith(String prefix) {
    try {
      return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
          .filter(name -> name.startsWith(prefix))
          .collect(Collectors.toSet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("list the topics", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw unavailable("list the topics", e);
    }
  }

  /** Deletes a backtest's output topic; a topic already gone is fine. */
  void deleteOutput(String topic) {
    try {
      admin.deleteTopics(List.of(topic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw unavailable("delete " + topic, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("delete " + topic, e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw unavailable("delete " + topic, e);
    }
  }

  private void readFrom(
      String topic, Instant since, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    try (var consumer = consumers.create("control-api-backtest-reader", TIMEOUT)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      // Assigned first: a read_committed consumer asked for the offsets of partitions it is not
      // assigned warns of each ("Not updating last stable offset ... no longer assigned"), a dozen
      // lines on the console per backtest.
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      Map<TopicPartition, Long> start = startOffsets(consumer, partitions, since, end);
      start.forEach(consumer::seek);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (behind(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new KafkaUnavailableException(
              "Reading " + topic + " did not reach its end within " + READ_TIMEOUT, null);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(handler);
      }
    } catch (KafkaException e) {
      throw unavailable("read " + topic, e);
    }
  }

  private static boolean behind(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
        return true;
      }
    }
    return false;
  }

  private static Map<TopicPartition, Long> startOffsets(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Instant since,
      Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, Math.max(0, since.toEpochMilli())));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp at = found.get(tp);
      // No record at or after the time: nothing to read there.
      start.put(tp, at == null ? end.get(tp) : at.offset());
    }
    return start;
  }

  private static List<TopicPartition> partitions(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, String topic) {
    var infos = consumer.partitionsFor(topic, TIMEOUT);
    return infos == null
        ? List.of()
        : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  private static KafkaUnavailableException unavailable(String what, Exception e) {
    return new KafkaUnavailableException("Cannot " + what + ": " + e.getMessage(), e);
  }
}
