package io.fraudpipeline.control.sse;

import io.fraudpipeline.control.errors.ConcurrencyLimitException;
import io.fraudpipeline.control.scheduling.DaemonThreads;
import java.io.IOException;
import java.time.Duration;
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
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The server-sent-event subscribers of one live feed (the alerts, the control-plane events), at
 * most {@code fraud.<feed>.max-subscribers}. The feed's reader hands each item to every matching
 * subscriber's bounded queue and moves on; one sender thread per subscriber writes to its
 * connection, so a slow client delays only itself (and loses its oldest queued items, counted, once
 * its queue is full).
 *
 * @param <T> the feed's items
 */
public final class SseFanOut<T> {

  private final String feed;
  private final int maxSubscribers;
  private final Duration streamTimeout;
  private final int queueCapacity;
  private final Function<T, StreamEvent> toEvent;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private final ExecutorService senders;

  /**
   * @param feed what the stream carries, plural ({@code alerts}); it also names the threads and the
   *     setting the limit comes from ({@code fraud.<feed>.max-subscribers})
   * @param toEvent the server-sent event of an item (described once, sent to every subscriber)
   */
  public SseFanOut(
      String feed,
      int maxSubscribers,
      Duration streamTimeout,
      int queueCapacity,
      Function<T, StreamEvent> toEvent) {
    this.feed = feed;
    this.maxSubscribers = maxSubscribers;
    this.streamTimeout = streamTimeout;
    this.queueCapacity = queueCapacity;
    this.toEvent = toEvent;
    this.senders = Executors.newCachedThreadPool(DaemonThreads.numbered(feed + "-sse"));
  }

  /**
   * A new stream of the items published from now on that match the filter.
   *
   * @param greeting the comment that opens the stream (a client sees it is connected)
   * @throws ConcurrencyLimitException when the feed already has its maximum of subscribers
   */
  public SseEmitter subscribe(String greeting, Predicate<? super T> filter) {
    if (count.incrementAndGet() > maxSubscribers) {
      count.decrementAndGet();
      throw new ConcurrencyLimitException(
          "The "
              + feed
              + " stream already has its "
              + maxSubscribers
              + " subscribers (fraud."
              + feed
              + ".max-subscribers); retry later",
          Map.of("max_subscribers", maxSubscribers));
    }
    SseEmitter emitter = new SseEmitter(streamTimeout.toMillis());
    Subscriber subscriber = new Subscriber(emitter, filter);
    emitter.onCompletion(() -> remove(subscriber));
    emitter.onTimeout(
        () -> {
          remove(subscriber);
          emitter.complete();
        });
    emitter.onError(e -> remove(subscriber));
    subscribers.add(subscriber);
    subscriber.offer(Frame.comment(greeting));
    senders.execute(subscriber::drain);
    return emitter;
  }

  /** Queues the item for every subscriber whose filter it matches. */
  public void publish(T item) {
    if (subscribers.isEmpty()) {
      return;
    }
    Frame event = new Frame(toEvent.apply(item), null);
    for (Subscriber s : subscribers) {
      if (s.filter.test(item)) {
        s.offer(event);
      }
    }
  }

  /** A comment to every subscriber: an idle stream stays open, and a client gone away is found. */
  public void heartbeat() {
    Frame heartbeat = Frame.comment("heartbeat");
    subscribers.forEach(s -> s.offer(heartbeat));
  }

  /** Ends every stream and the sender threads. */
  public void closeAll() {
    subscribers.forEach(Subscriber::close);
    senders.shutdownNow();
  }

  private void remove(Subscriber subscriber) {
    if (subscribers.remove(subscriber)) {
      count.decrementAndGet();
      subscriber.closed = true;
    }
  }

  /**
   * What a subscriber's queue holds: an event or a comment. Spring's {@code SseEventBuilder} is
   * built anew for each send, by the sender thread: its {@code build()} appends to the builder, so
   * one builder shared by the subscribers' threads would be written by all of them at once.
   */
  private record Frame(StreamEvent event, String comment) {

    static Frame comment(String text) {
      return new Frame(null, text);
    }

    SseEmitter.SseEventBuilder toBuilder() {
      return event == null
          ? SseEmitter.event().comment(comment)
          : SseEmitter.event().id(event.id()).name(event.name()).data(event.data());
    }
  }

  private final class Subscriber {
    private final SseEmitter emitter;
    private final Predicate<? super T> filter;
    private final BlockingQueue<Frame> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    Subscriber(SseEmitter emitter, Predicate<? super T> filter) {
      this.emitter = emitter;
      this.filter = filter;
      this.queue = new ArrayBlockingQueue<>(queueCapacity);
    }

    void offer(Frame event) {
      while (!closed && !queue.offer(event)) {
        if (queue.poll() != null) {
          dropped.incrementAndGet();
        }
      }
    }

    void drain() {
      try {
        while (!closed) {
          Frame frame = queue.poll(200, TimeUnit.MILLISECONDS);
          if (frame != null) {
            emitter.send(frame.toBuilder());
          }
          long lost = dropped.getAndSet(0);
          if (lost > 0) {
            emitter.send(
                SseEmitter.event()
                    .comment(lost + " " + feed + " dropped: this client reads too slowly"));
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
