package io.fraudpipeline.control.events;

import io.fraudpipeline.control.kafka.TopicCreation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to their topic from a thread of its own, so {@link #offer} never waits for Kafka: a
 * full queue drops the event, a failed write is logged once per outage. Neither is ever thrown at
 * the caller (the reconciler's loop).
 */
final class EventLogWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventLogWriter.class);

  private final NewTopic topic;
  private final Admin admin;
  private final Map<String, Object> producerConfig;
  private final Duration timeout;
  private final BlockingQueue<PipelineEvent> queue;
  private final Counter queueFull;
  private final Counter kafkaFailed;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean topicEnsured;

  /**
   * @param topic the topic, created with these settings when missing
   * @param producerConfig the producer's settings (servers, security, timeouts)
   */
  EventLogWriter(
      NewTopic topic,
      Admin admin,
      Map<String, Object> producerConfig,
      Duration timeout,
      int capacity,
      MeterRegistry meters) {
    this.topic = topic;
    this.admin = admin;
    this.producerConfig = producerConfig;
    this.timeout = timeout;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.queueFull = lost(meters, "queue_full");
    this.kafkaFailed = lost(meters, "kafka_error");
    this.thread = new Thread(this::run, "events-writer");
    thread.setDaemon(true);
  }

  private static Counter lost(MeterRegistry meters, String cause) {
    return Counter.builder("fraud.events.unwritten")
        .description("Events recorded but not written to the event topic, by cause")
        .tag("cause", cause)
        .register(meters);
  }

  void start() {
    thread.start();
  }

  /** Queues the event for writing; false (and counted) when the queue is full. */
  boolean offer(PipelineEvent event) {
    if (queue.offer(event)) {
      dropping.set(false);
      return true;
    }
    queueFull.increment();
    if (dropping.compareAndSet(false, true)) {
      log.warn(
          "The event log's write queue is full (fraud.events.write-queue): events are dropped"
              + " until Kafka catches up; they are still logged here");
    }
    return false;
  }

  private void run() {
    KafkaProducer<String, byte[]> producer = null;
    try {
      // Built here, not in the constructor: a broker that is down must not delay the start.
      producer =
          new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
      while (running || !queue.isEmpty()) {
        PipelineEvent event = queue.poll(200, TimeUnit.MILLISECONDS);
        if (event != null) {
          write(producer, event);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("The event log writer stopped: {}", e.toString());
    } finally {
      if (producer != null) {
        producer.close(timeout);
      }
    }
  }

  private void write(KafkaProducer<String, byte[]> producer, PipelineEvent event) {
    try {
      ensureTopic();
      producer.send(
          new ProducerRecord<>(
              topic.name(), null, event.time().toEpochMilli(), event.id(), EventJson.write(event)),
          (metadata, error) -> {
            if (error == null) {
              written();
            } else {
              failed(event, error);
            }
          });
    } catch (RuntimeException e) {
      failed(event, e);
    }
  }

  private void written() {
    if (failing.compareAndSet(true, false)) {
      log.info("Events are written to topic {} again", topic.name());
    }
  }

  private void failed(PipelineEvent event, Throwable error) {
    kafkaFailed.increment();
    if (failing.compareAndSet(false, true)) {
      log.warn(
          "Cannot write events to topic {} (event {} and later ones are lost from the event log,"
              + " not from this log): {}",
          topic.name(),
          event.id(),
          error.toString());
    } else {
      log.debug("Event {} not written: {}", event.id(), error.toString());
    }
  }

  /**
   * Created here rather than by Kafka's auto-creation, so it gets its retention and 1 partition.
   */
  private void ensureTopic() {
    if (topicEnsured) {
      return;
    }
    if (TopicCreation.ensure(admin, topic, timeout)) {
      log.info("Created the event topic {}", topic.name());
    }
    topicEnsured = true;
  }

  /** Writes what is still queued (within the Kafka timeout), then stops. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(timeout.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      log.warn(
          "{} events were not written to topic {} before shutdown", queue.size(), topic.name());
    }
  }
}
