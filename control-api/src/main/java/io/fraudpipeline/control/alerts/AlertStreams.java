package io.fraudpipeline.control.alerts;

import io.fraudpipeline.control.errors.ConcurrencyLimitException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The server-sent-event subscribers of new alerts, at most {@code max-subscribers}. The shared
 * consumer hands each alert to every subscriber's bounded queue and moves on; one sender thread per
 * subscriber writes to its connection, so a slow client delays only itself (and loses its oldest
 * queued alerts, counted, once its queue is full).
 */
final class AlertStreams {

  private final AlertsProperties properties;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService senders =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "alerts-sse-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  AlertStreams(AlertsProperties properties) {
    this.properties = properties;
  }

  SseEmitter subscribe(String topic) {
    if (count.incrementAndGet() > properties.maxSubscribers()) {
      count.decrementAndGet();
      throw new ConcurrencyLimitException(
          "The alerts stream already has its "
              + properties.maxSubscribers()
              + " subscribers (fraud.alerts.max-subscribers); retry later",
          Map.of("max_subscribers", properties.maxSubscribers()));
    }
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    Subscriber subscriber = new Subscriber(emitter, properties.subscriberQueue());
    emitter.onCompletion(() -> remove(subscriber));
    emitter.onTimeout(
        () -> {
          remove(subscriber);
          emitter.complete();
        });
    emitter.onError(e -> remove(subscriber));
    subscribers.add(subscriber);
    subscriber.offer(SseEmitter.event().comment("new committed alerts of " + topic));
    senders.execute(subscriber::drain);
    return emitter;
  }

  void publish(AlertEntry entry) {
    if (subscribers.isEmpty()) {
      return;
    }
    SseEmitter.SseEventBuilder event =
        SseEmitter.event()
            .id(entry.partition() + "-" + entry.offset())
            .name("alert")
            .data(entry.alert().toString());
    subscribers.forEach(s -> s.offer(event));
  }

  void heartbeat() {
    subscribers.forEach(s -> s.offer(SseEmitter.event().comment("heartbeat")));
  }

  int size() {
    return subscribers.size();
  }

  /** Ends every stream and the sender threads. */
  void closeAll() {
    subscribers.forEach(Subscriber::close);
    senders.shutdownNow();
  }

  private void remove(Subscriber subscriber) {
    if (subscribers.remove(subscriber)) {
      count.decrementAndGet();
      subscriber.closed = true;
    }
  }

  private final class Subscriber {
    private final SseEmitter emitter;
    private final BlockingQueue<SseEmitter.SseEventBuilder> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    Subscriber(SseEmitter emitter, int capacity) {
      this.emitter = emitter;
      this.queue = new ArrayBlockingQueue<>(capacity);
    }

    void offer(SseEmitter.SseEventBuilder event) {
      while (!closed && !queue.offer(event)) {
        if (queue.poll() != null) {
          dropped.incrementAndGet();
        }
      }
    }

    void drain() {
      try {
        while (!closed) {
          SseEmitter.SseEventBuilder event = queue.poll(200, TimeUnit.MILLISECONDS);
          if (event != null) {
            emitter.send(event);
          }
          long lost = dropped.getAndSet(0);
          if (lost > 0) {
            emitter.send(
                SseEmitter.event().comment(lost + " alerts dropped: this client reads too slowly"));
          }
        }
      } catch (IOException | IllegalStateException e) {
        // The client went away (or the emitter already completed).
        remove(this);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void close() {
      closed = true;
      try {
        emitter.complete();
      } catch (RuntimeException e) {
        // already completed
      }
    }
  }
}
