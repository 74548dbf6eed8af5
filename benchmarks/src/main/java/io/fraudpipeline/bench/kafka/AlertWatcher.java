package io.fraudpipeline.bench.kafka;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an alerts topic from its beginning with {@code read_committed}, on its own thread, and
 * keeps every alert with the moment it became visible: what a downstream consumer of the pipeline
 * sees, and when.
 */
public final class AlertWatcher implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(20);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final List<ObservedAlert> alerts = new ArrayList<>();
  private final Set<String> distinctIds = new HashSet<>();
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  private AlertWatcher(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    this.consumer = consumer;
    this.thread = new Thread(this::pollLoop, "alert-watcher-" + topic);
    this.thread.setDaemon(true);
  }

  /** Starts watching {@code topic} (which must exist) from its beginning. */
  public static AlertWatcher start(String bootstrapServers, String topic) {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "bench-alert-watcher-" + topic),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    // A topic just created may not be in the metadata yet (an empty list, seen under heavy load);
    // assigning no partitions would make every poll throw.
    List<TopicPartition> partitions = List.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (partitions.isEmpty() && System.nanoTime() < deadline) {
      partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (partitions.isEmpty()) {
      consumer.close();
      throw new IllegalStateException("topic " + topic + " has no partitions after 30 s");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    AlertWatcher watcher = new AlertWatcher(consumer, topic);
    watcher.thread.start();
    return watcher;
  }

  private void pollLoop() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
          continue;
        }
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        List<ObservedAlert> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
          FraudAlert alert = FraudJson.readAlert(record.value());
          batch.add(
              new ObservedAlert(
                  alert.alertId(),
                  alert.transaction() == null ? null : alert.transaction().transactionId(),
                  alert.rulesVersion(),
                  record.timestamp(),
                  nowMillis,
                  nowNanos));
        }
        synchronized (this) {
          for (ObservedAlert alert : batch) {
            alerts.add(alert);
            distinctIds.add(alert.alertId());
          }
          notifyAll();
        }
      }
    } catch (WakeupException e) {
      // close() ends the loop
    } catch (RuntimeException e) {
      failure = e;
      synchronized (this) {
        notifyAll();
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Alerts seen so far, in arrival order (duplicates included). */
  public synchronized List<ObservedAlert> alerts() {
    return List.copyOf(alerts);
  }

  /** How many alerts have been seen so far (duplicates included). */
  public synchronized int count() {
    return alerts.size();
  }

  public synchronized int distinctCount() {
    return distinctIds.size();
  }

  /**
   * Waits until at least {@code distinct} different alerts, including every id in {@code required},
   * have been seen.
   *
   * @return the nano time at which the last of them was received
   * @throws IllegalStateException on timeout, with what was seen
   */
  public long awaitAll(Set<String> required, long distinct, Duration timeout)
      throws InterruptedException {
    ObservedAlert last =
        await(
            seen -> distinctIds.size() >= distinct && distinctIds.containsAll(required),
            timeout,
            () ->
                "saw "
                    + distinctIds.size()
                    + " of "
                    + distinct
                    + " alerts; missing "
                    + required.stream().filter(id -> !distinctIds.contains(id)).toList());
    return last.visibleAtNanos();
  }

  /**
   * Waits until every one of {@code alertIds} has been seen.
   *
   * @return the first sighting of each, by id
   * @throws IllegalStateException on timeout, with how many are missing
   */
  public Map<String, ObservedAlert> awaitIds(Set<String> alertIds, Duration timeout)
      throws InterruptedException {
    await(
        seen -> distinctIds.containsAll(alertIds),
        timeout,
        () ->
            alertIds.stream().filter(id -> !distinctIds.contains(id)).count()
                + " of "
                + alertIds.size()
                + " alerts not seen");
    Map<String, ObservedAlert> first = new java.util.HashMap<>();
    synchronized (this) {
      for (ObservedAlert alert : alerts) {
        if (alertIds.contains(alert.alertId())) {
          first.putIfAbsent(alert.alertId(), alert);
        }
      }
    }
    return first;
  }

  /**
   * Waits for the first alert, counted from index {@code fromIndex} of {@link #alerts()}, that
   * matches.
   */
  public ObservedAlert awaitFirst(int fromIndex, Predicate<ObservedAlert> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int next = fromIndex;
    synchronized (this) {
      while (true) {
        for (; next < alerts.size(); next++) {
          if (match.test(alerts.get(next))) {
            return alerts.get(next);
          }
        }
        checkFailure();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "no matching alert within " + timeout + " (" + alerts.size() + " alerts seen)");
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /**
   * Waits until no new alert has arrived for {@code quiet}, at most {@code timeout}.
   *
   * @return the number of alerts seen
   */
  public int awaitQuiet(Duration quiet, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = count();
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(Math.min(50, quiet.toMillis()));
      int now = count();
      if (now != seen) {
        seen = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
        break;
      }
    }
    checkFailure();
    return seen;
  }

  private ObservedAlert await(
      Predicate<AlertWatcher> done, Duration timeout, java.util.function.Supplier<String> report)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!done.test(this)) {
        checkFailure();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("timed out after " + timeout + ": " + report.get());
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return alerts.isEmpty() ? null : alerts.get(alerts.size() - 1);
    }
  }

  private void checkFailure() {
    if (failure != null) {
      throw new IllegalStateException("the alert watcher failed", failure);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
