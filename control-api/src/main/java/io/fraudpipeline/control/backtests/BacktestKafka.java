package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.kafka.KafkaCauses;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicCreation;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.Transaction;
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
 * committed), and the backtest's own output topic. Its consumers are a request's own, closed within
 * {@link ReadCommittedConsumers#CLOSE_TIMEOUT} rather than Kafka's 30 s.
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
    // The first Kafka call of a backtest request: with Kafka gone, it answers 503 within the read
    // timeout, as every request does, not after the backtest's own Kafka timeout.
    try (var reader = consumers.open("control-api-backtest-retention", topics.readTimeout())) {
      var consumer = reader.consumer();
      return !partitions(consumer, topics.transactions(), topics.readTimeout()).isEmpty();
    } catch (KafkaException e) {
      throw unavailable("look up " + topics.transactions(), e);
    }
  }

  /**
   * The event time of the oldest transaction still retained, as its record timestamp; null when
   * retention has deleted nothing yet (every partition starts at offset 0).
   */
  Instant oldestRetained() {
    try (var reader = consumers.open("control-api-backtest-retention", TIMEOUT)) {
      var consumer = reader.consumer();
      List<TopicPartition> partitions = partitions(consumer, topics.transactions(), TIMEOUT);
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

  /**
   * What the bounded job reads of each partition.
   *
   * @param startOffsets partition → first offset read
   * @param stopOffsets partition → first offset not read
   */
  record ReadPlan(Map<Integer, Long> startOffsets, Map<Integer, Long> stopOffsets) {

    /** Records (by offset, so transaction markers count too) between start and stop. */
    long records() {
      long total = 0;
      for (var stop : stopOffsets.entrySet()) {
        total += Math.max(0, stop.getValue() - startOffsets.getOrDefault(stop.getKey(), 0L));
      }
      return total;
    }
  }

  /**
   * Where the bounded job starts and stops: from the first record stamped at or after {@code from};
   * up to the first one stamped at or after {@code stampedAfter} when that record is dated at or
   * after {@code to} (the partition runs in time there: what comes later belongs to later ranges,
   * or would have come too late for the live job), else to the partition's end (records dated in
   * the range are still appended after it: a backfill), and to the end where nothing is stamped
   * that late yet.
   */
  ReadPlan plan(Instant from, Instant to, Instant stampedAfter) {
    try (var reader = consumers.open("control-api-backtest-range", TIMEOUT)) {
      var consumer = reader.consumer();
      List<TopicPartition> partitions = partitions(consumer, topics.transactions(), TIMEOUT);
      // Assigned before their offsets are asked for: see readFrom.
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      Map<TopicPartition, Long> start = startOffsets(consumer, partitions, from, end);
      Map<TopicPartition, Long> late = startOffsets(consumer, partitions, stampedAfter, end);
      Map<TopicPartition, Long> stop = new HashMap<>(end);
      firstDates(consumer, late, end)
          .forEach(
              (tp, dated) -> {
                if (!dated.isBefore(to)) {
                  stop.put(tp, late.get(tp));
                }
              });
      return new ReadPlan(byPartition(start), byPartition(stop));
    } catch (KafkaException e) {
      throw unavailable("count the transactions of the range", e);
    }
  }

  /**
   * The event time of the first transaction at each offset (or after it, past aborted records), of
   * the partitions that hold one there; a record that is no transaction is left out, as unknown.
   */
  private static Map<TopicPartition, Instant> firstDates(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      Map<TopicPartition, Long> at,
      Map<TopicPartition, Long> end) {
    Map<TopicPartition, Instant> dated = new HashMap<>();
    Map<TopicPartition, Long> wanted = new HashMap<>();
    at.forEach(
        (tp, offset) -> {
          if (offset < end.get(tp)) {
            wanted.put(tp, offset);
          }
        });
    if (wanted.isEmpty()) {
      return dated;
    }
    consumer.assign(wanted.keySet());
    wanted.forEach(consumer::seek);
    Map<TopicPartition, Boolean> seen = new HashMap<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (seen.size() < wanted.size() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (seen.putIfAbsent(tp, true) == null
            && FraudJson.parseTransaction(r.value())
                instanceof ParseResult.Valid<Transaction> valid) {
          Transaction tx = valid.value();
          dated.put(
              tp, tx.timestamp() != null ? tx.timestamp() : Instant.ofEpochMilli(r.timestamp()));
        }
      }
      // Nothing committed left to read there (aborted records up to the end): unknown.
      for (TopicPartition tp : wanted.keySet()) {
        if (!seen.containsKey(tp) && consumer.position(tp, TIMEOUT) >= end.get(tp)) {
          seen.put(tp, true);
        }
      }
    }
    return dated;
  }

  private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
    Map<Integer, Long> result = new HashMap<>();
    offsets.forEach((tp, offset) -> result.put(tp.partition(), offset));
    return Map.copyOf(result);
  }

  /**
   * The live alerts whose transaction's event time is in the range: those of the alerts topic, and
   * those of the shadow topic (they say so, {@link FraudAlert#shadow()}), which an analyst
   * backtesting a rule in shadow compares the backtest with.
   */
  List<FraudAlert> liveAlerts(Instant from, Instant to, Duration lookback) {
    List<FraudAlert> alerts = new java.util.ArrayList<>();
    for (String topic : List.of(topics.fraudAlerts(), topics.fraudAlertsShadow())) {
      readFrom(
          topic,
          from.minus(lookback),
          r -> {
            FraudAlert alert = FraudJson.readAlert(r.value());
            Instant t = alert.eventTime();
            if (t != null && !t.isBefore(from) && t.isBefore(to)) {
              alerts.add(alert);
            }
          });
    }
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
    try (var reader = consumers.open("control-api-backtest-reader", TIMEOUT)) {
      var consumer = reader.consumer();
      List<TopicPartition> partitions = partitions(consumer, topic, TIMEOUT);
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
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      String topic,
      Duration timeout) {
    var infos = consumer.partitionsFor(topic, timeout);
    return infos == null
        ? List.of()
        : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  private static KafkaUnavailableException unavailable(String what, Exception e) {
    return new KafkaUnavailableException("Cannot " + what + ": " + KafkaCauses.describe(e), e);
  }
}
