package io.fraudpipeline.control.events;

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
 * The server-sent-event subscribers of new events, at most {@code fraud.events.max-subscribers}
 * (the same shape as the alerts stream). The follower hands each event to every matching
 * subscriber's bounded queue and moves on; one sender thread per subscriber writes to its
 * connection, so a slow client delays only itself (and loses its oldest queued events, counted).
 */
final class EventStreams {

  private final EventsProperties properties;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService senders =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "events-sse-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  EventStreams(EventsProperties properties) {
    this.properties = properties;
  }

  /** A new stream of the events that match the filter (its limit and since are not used). */
  SseEmitter subscribe(EventQuery filter) {
    if (count.incrementAndGet() > properties.maxSubscribers()) {
      count.decrementAndGet();
      throw new ConcurrencyLimitException(
          "The events stream already has its "
              + properties.maxSubscribers()
              + " subscribers (fraud.events.max-subscribers); retry later",
          Map.of("max_subscribers", properties.maxSubscribers()));
    }
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    Subscriber subscriber = new Subscriber(emitter, filter, properties.subscriberQueue());
    emitter.onCompletion(() -> remove(subscriber));
    emitter.onTimeout(
        () -> {
          remove(subscriber);
          emitter.complete();
        });
    emitter.onError(e -> remove(subscriber));
    subscribers.add(subscriber);
    subscriber.offer(SseEmitter.event().comment("new control-plane events"));
    senders.execute(subscriber::drain);
    return emitter;
  }

  void publish(PipelineEvent event) {
    if (subscribers.isEmpty()) {
      return;
    }
    SseEmitter.SseEventBuilder sse =
        SseEmitter.event().id(event.id()).name("event").data(EventJson.writeString(event));
    for (Subscriber s : subscribers) {
      if (s.filter.matches(event)) {
        s.offer(sse);
      }
    }
  }

  void heartbeat() {
    subscribers.forEach(s -> s.offer(SseEmitter.event().comment("heartbeat")));
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
    private final EventQuery filter;
    private final BlockingQueue<SseEmitter.SseEventBuilder> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    Subscriber(SseEmitter emitter, EventQuery filter, int capacity) {
      this.emitter = emitter;
      this.filter = filter;
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
                SseEmitter.event().comment(lost + " events dropped: this client reads too slowly"));
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
