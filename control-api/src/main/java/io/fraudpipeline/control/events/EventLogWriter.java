package io.fraudpipeline.control.events;

import io.fraudpipeline.control.kafka.TopicCreation;
import io.fraudpipeline.control.scheduling.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
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
 * Writes events to their topic, one at a time and in order, from a thread of its own, so {@link
 * #offer} never waits for Kafka. An event Kafka did not take is tried again (1 s, doubling up to
 * the Kafka timeout) until it is written, while later ones wait in the queue: the event topic is
 * what {@code GET /api/v1/events} and the webhooks read, so an outage must leave no hole in it.
 * Only a full queue drops an event, and shutting down while Kafka is away leaves the held ones
 * unwritten; both are counted and logged, never thrown at the caller (the reconciler's loop).
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
  private final Backoff backoff;
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
    this.backoff = new Backoff(Duration.ofSeconds(1), timeout);
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
        if (event != null && !writeUntilWritten(producer, event)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("The event log writer stopped: {}", e.toString());
    } finally {
      unwritten();
      if (producer != null) {
        producer.close(timeout);
      }
    }
  }

  /**
   * Writes the event, trying again while Kafka does not take it; false when shutdown came first
   * (the event is then counted unwritten).
   */
  private boolean writeUntilWritten(KafkaProducer<String, byte[]> producer, PipelineEvent event)
      throws InterruptedException {
    for (int failures = 1; ; failures++) {
      try {
        ensureTopic();
        producer
            .send(
                new ProducerRecord<>(
                    topic.name(),
                    null,
                    event.time().toEpochMilli(),
                    event.id(),
                    EventJson.write(event)))
            .get();
        written();
        return true;
      } catch (InterruptedException e) {
        kafkaFailed.increment();
        throw e;
      } catch (ExecutionException e) {
        failed(event, e.getCause() == null ? e : e.getCause());
      } catch (RuntimeException e) {
        failed(event, e);
      }
      if (!running) {
        kafkaFailed.increment();
        return false;
      }
      try {
        Thread.sleep(backoff.afterFailures(failures).toMillis());
      } catch (InterruptedException e) {
        kafkaFailed.increment();
        throw e;
      }
    }
  }

  private void written() {
    if (failing.compareAndSet(true, false)) {
      log.info("Events are written to topic {} again", topic.name());
    }
  }

  private void failed(PipelineEvent event, Throwable error) {
    if (failing.compareAndSet(false, true)) {
      log.warn(
          "Cannot write events to topic {}: event {} and later ones wait (up to"
              + " fraud.events.write-queue) and are written once Kafka takes them: {}",
          topic.name(),
          event.id(),
          error.toString());
    } else {
      log.debug("Event {} not written yet: {}", event.id(), error.toString());
    }
  }

  /** At shutdown: what is still queued will not be written. */
  private void unwritten() {
    int left = queue.size();
    if (left > 0) {
      kafkaFailed.increment(left);
      log.warn(
          "{} events were not written to topic {} before shutdown (they are in this log)",
          left,
          topic.name());
      queue.clear();
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
      // Its finally block counts and logs what is left.
      thread.interrupt();
    }
  }
}
