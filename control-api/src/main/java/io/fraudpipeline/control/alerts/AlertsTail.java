package io.fraudpipeline.control.alerts;

import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicFollower;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.sse.SseFanOut;
import io.fraudpipeline.control.sse.StreamEvent;
import io.fraudpipeline.model.FraudJson;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

  private final ReadCommittedConsumers consumers;
  private final Map<AlertFeed, String> topics = new EnumMap<>(AlertFeed.class);
  private final Map<String, AlertFeed> feeds = new HashMap<>();
  private final AlertsProperties properties;
  private final Map<AlertFeed, LatestAlerts> latest = new EnumMap<>(AlertFeed.class);
  // One fan-out for both feeds, so fraud.alerts.max-subscribers bounds their streams together.
  private final SseFanOut<FeedEntry> streams;
  private TopicFollower follower;
  // The follower thread's own.
  private long nextHeartbeat;

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

  private void read(ConsumerRecords<byte[], byte[]> records) {
    records.forEach(this::accept);
    if (System.nanoTime() >= nextHeartbeat) {
      streams.heartbeat();
      nextHeartbeat = System.nanoTime() + properties.heartbeatInterval().toNanos();
    }
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

  @Override
  public synchronized void start() {
    if (follower != null) {
      return;
    }
    nextHeartbeat = System.nanoTime() + properties.heartbeatInterval().toNanos();
    follower =
        new TopicFollower(
            "alerts-tail",
            // Not createFollower(): the alerts are written in transactions, and a commit does not
            // answer a fetch parked at the broker, so a long fetch wait would delay every alert.
            consumers.create("control-api-alerts", KAFKA_TIMEOUT),
            List.copyOf(topics.values()),
            properties.bufferSize(),
            this::read);
    follower.start();
  }

  /** Ends the streams first, so the web server's graceful shutdown does not wait for them. */
  @Override
  public synchronized void stop() {
    if (follower == null) {
      return;
    }
    streams.closeAll();
    follower.close();
    follower = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return follower != null;
  }
}
