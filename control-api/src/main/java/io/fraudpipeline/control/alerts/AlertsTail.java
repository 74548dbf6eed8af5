package io.fraudpipeline.control.alerts;

import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.sse.SseFanOut;
import io.fraudpipeline.control.sse.StreamEvent;
import io.fraudpipeline.model.FraudJson;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The one consumer of the alerts topics, the alerts and the shadow alerts ({@link AlertFeed}), with
 * {@code read_committed}: only alerts of committed transactions. It starts at the latest {@code
 * buffer-size} alerts of each partition, keeps them for peeks, and hands every new one to the
 * stream subscribers: one consumer for all clients and both topics.
 */
@Component
public class AlertsTail implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AlertsTail.class);
  private static final Duration REASSIGN_INTERVAL = Duration.ofSeconds(10);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

  private final ReadCommittedConsumers consumers;
  private final Map<AlertFeed, String> topics = new EnumMap<>(AlertFeed.class);
  private final Map<String, AlertFeed> feeds = new HashMap<>();
  private final AlertsProperties properties;
  private final Map<AlertFeed, LatestAlerts> latest = new EnumMap<>(AlertFeed.class);
  // One fan-out for both feeds, so fraud.alerts.max-subscribers bounds their streams together.
  private final SseFanOut<FeedEntry> streams;
  private volatile boolean running;
  private Thread thread;
  private Consumer<byte[], byte[]> consumer;

  public AlertsTail(
      ReadCommittedConsumers consumers, TopicsProperties topics, AlertsProperties properties) {
    this.consumers = consumers;
    this.topics.put(AlertFeed.ALERTS, topics.fraudAlerts());
    this.topics.put(AlertFeed.SHADOW, topics.fraudAlertsShadow());
    this.topics.forEach((feed, topic) -> feeds.put(topic, feed));
    this.properties = properties;
    for (AlertFeed feed : AlertFeed.values()) {
      latest.put(feed, new LatestAlerts(properties.bufferSize()));
    }
    this.streams =
        new SseFanOut<>(
            "alerts",
            properties.maxSubscribers(),
            properties.streamTimeout(),
            properties.subscriberQueue(),
            item ->
                new StreamEvent(
                    item.entry().partition() + "-" + item.entry().offset(),
                    "alert",
                    item.entry().alert().toString()));
  }

  /** An alert and the feed it was read from, on its way to the streams. */
  public record FeedEntry(AlertFeed feed, AlertEntry entry) {}

  /** The newest committed alerts of {@code feed} that match {@code filter}, newest first. */
  public List<AlertEntry> newest(AlertFeed feed, int limit, Predicate<? super AlertEntry> filter) {
    return latest.get(feed).newest(limit, filter);
  }

  /** The subscribers of the alerts of both feeds committed from now on. */
  public SseFanOut<FeedEntry> streams() {
    return streams;
  }

  /** The topic {@code feed} is read from. */
  public String topic(AlertFeed feed) {
    return topics.get(feed);
  }

  private void run() {
    Set<TopicPartition> assigned = Set.of();
    long nextAssignment = 0;
    long nextHeartbeat = System.nanoTime() + properties.heartbeatInterval().toNanos();
    while (running) {
      try {
        if (System.nanoTime() >= nextAssignment) {
          assigned = reassign(assigned);
          nextAssignment = System.nanoTime() + REASSIGN_INTERVAL.toNanos();
        }
        if (assigned.isEmpty()) {
          Thread.sleep(500);
        } else {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            accept(record);
          }
        }
        if (System.nanoTime() >= nextHeartbeat) {
          streams.heartbeat();
          nextHeartbeat = System.nanoTime() + properties.heartbeatInterval().toNanos();
        }
      } catch (WakeupException | InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.debug("Reading {} failed, retrying: {}", topics.values(), e.toString());
        nextAssignment = 0;
        sleepQuietly();
      }
    }
  }

  /** Follows new partitions; a new one starts at its latest buffer-size offsets. */
  private Set<TopicPartition> reassign(Set<TopicPartition> assigned) {
    Set<TopicPartition> current = new HashSet<>();
    for (String topic : topics.values()) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, KAFKA_TIMEOUT);
      if (infos != null) {
        infos.forEach(p -> current.add(new TopicPartition(topic, p.partition())));
      }
    }
    if (current.equals(assigned)) {
      return assigned;
    }
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : assigned) {
      if (current.contains(tp)) {
        positions.put(tp, consumer.position(tp, KAFKA_TIMEOUT));
      }
    }
    Set<TopicPartition> added = new HashSet<>(current);
    added.removeAll(assigned);
    consumer.assign(current);
    positions.forEach(consumer::seek);
    if (!added.isEmpty()) {
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(added, KAFKA_TIMEOUT);
      Map<TopicPartition, Long> end = consumer.endOffsets(added, KAFKA_TIMEOUT);
      for (TopicPartition tp : added) {
        consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - properties.bufferSize()));
      }
    }
    return Set.copyOf(current);
  }

  private void accept(ConsumerRecord<byte[], byte[]> record) {
    AlertFeed feed = feeds.get(record.topic());
    if (record.value() == null || feed == null) {
      return;
    }
    JsonNode alert;
    try {
      alert = FraudJson.mapper().readTree(record.value());
    } catch (JacksonException e) {
      log.debug(
          "Skipping the unreadable alert at {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset());
      return;
    }
    AlertEntry entry =
        new AlertEntry(
            record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()), alert);
    latest.get(feed).add(entry);
    streams.publish(new FeedEntry(feed, entry));
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    consumer = consumers.create("control-api-alerts", KAFKA_TIMEOUT);
    running = true;
    thread = new Thread(this::run, "alerts-tail");
    thread.setDaemon(true);
    thread.start();
  }

  /** Ends the streams first, so the web server's graceful shutdown does not wait for them. */
  @Override
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    streams.closeAll();
    consumer.wakeup();
    try {
      thread.join(KAFKA_TIMEOUT.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    } catch (RuntimeException e) {
      log.debug("Closing the alerts consumer failed: {}", e.toString());
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return running;
  }
}
