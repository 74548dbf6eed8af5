package io.fraudpipeline.control.events;

import io.fraudpipeline.control.kafka.TopicTail;
import io.fraudpipeline.control.scheduling.PeriodicTask;
import io.fraudpipeline.control.sse.SseFanOut;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Follows the event topic on every replica: every poll interval it reads the events appended since
 * the last round (whoever recorded them) into the buffer that {@code GET /api/v1/events} serves,
 * and hands them to the stream subscribers. The first round reads the topic from its beginning;
 * only events read after it are streamed, so a subscriber never gets the history replayed.
 */
final class EventFollower implements SmartLifecycle, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventFollower.class);

  private final TopicTail tail;
  private final String topic;
  private final EventBuffer buffer;
  private final SseFanOut<PipelineEvent> streams;
  private final Duration heartbeatInterval;
  private final PeriodicTask task;
  private volatile boolean caughtUp;
  private boolean failing;
  private long nextHeartbeat;

  EventFollower(
      TopicTail tail,
      String topic,
      EventBuffer buffer,
      SseFanOut<PipelineEvent> streams,
      EventsProperties properties) {
    this.tail = tail;
    this.topic = topic;
    this.buffer = buffer;
    this.streams = streams;
    this.heartbeatInterval = properties.heartbeatInterval();
    this.nextHeartbeat = System.nanoTime() + heartbeatInterval.toNanos();
    this.task =
        new PeriodicTask(
            "events-follower",
            this::poll,
            properties.pollInterval(),
            properties.kafkaTimeout().plusSeconds(1));
  }

  /** Whether the topic has been read to its end at least once (else the buffer says nothing). */
  boolean caughtUp() {
    return caughtUp;
  }

  /** The newest buffered events that match, newest first. */
  List<PipelineEvent> newest(EventQuery query) {
    return buffer.newest(query);
  }

  /** The subscribers of the events read from now on. */
  SseFanOut<PipelineEvent> streams() {
    return streams;
  }

  String topic() {
    return topic;
  }

  private void poll() {
    try {
      boolean streaming = caughtUp;
      tail.catchUp(record -> accept(record, streaming));
      caughtUp = true;
      if (failing) {
        failing = false;
        log.info("Reading the event topic {} again", topic);
      }
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("Cannot read the event topic {}, retrying: {}", topic, e.toString());
      }
    }
    if (System.nanoTime() >= nextHeartbeat) {
      streams.heartbeat();
      nextHeartbeat = System.nanoTime() + heartbeatInterval.toNanos();
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> record, boolean streaming) {
    if (record.value() == null) {
      return;
    }
    EventJson.read(record.value())
        .ifPresentOrElse(
            event -> {
              // A second copy of an event (the writer's retry) is neither listed nor streamed.
              if (buffer.add(event) && streaming) {
                streams.publish(event);
              }
            },
            () ->
                log.debug(
                    "Skipping the unreadable event at {}-{}@{}",
                    topic,
                    record.partition(),
                    record.offset()));
  }

  @Override
  public void start() {
    task.start();
  }

  /** Ends the streams first, so the web server's graceful shutdown does not wait for them. */
  @Override
  public void stop() {
    streams.closeAll();
    task.stop();
  }

  @Override
  public boolean isRunning() {
    return task.isRunning();
  }

  @Override
  public void close() {
    tail.close();
  }
}
