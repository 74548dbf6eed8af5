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

  /**
   * Between the two writes of a heartbeat. A client that went away without a reset (a killed
   * process: its kernel closes the connection normally) is not noticed by the server's first write
   * after it, which only fills socket buffers; the client's reset, in answer to those bytes, fails
   * the next write. A second comment this long after the first (longer than a round trip) lets one
   * heartbeat find such a client, instead of the heartbeat after it.
   */
  static final Duration SECOND_WRITE_AFTER = Duration.ofSeconds(1);

  /** Longest a sender waits for its next item before it looks for a heartbeat to send. */
  private static final Duration SENDER_POLL = Duration.ofMillis(200);

  /**
   * What a refused subscriber is told to wait: the refusal asks every stream for a heartbeat, whose
   * two writes (within {@link #SENDER_POLL} and {@link #SECOND_WRITE_AFTER} after) have found the
   * clients that went away by then, with room for a loaded machine (2.0 s measured on one).
   */
  static final Duration RETRY_AFTER = Duration.ofSeconds(3);

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
   * @throws ConcurrencyLimitException when the feed already has its maximum of subscribers; it says
   *     when to retry, as every stream is sent a heartbeat at once to find the clients that went
   *     away
   */
  public SseEmitter subscribe(String greeting, Predicate<? super T> filter) {
    if (count.incrementAndGet() > maxSubscribers) {
      count.decrementAndGet();
      heartbeat();
      throw new ConcurrencyLimitException(
          "The "
              + feed
              + " stream already has its "
              + maxSubscribers
              + " subscribers (fraud."
              + feed
              + ".max-subscribers); retry in "
              + RETRY_AFTER.toSeconds()
              + " s, when those of clients that went away are free",
          Map.of("max_subscribers", maxSubscribers),
          RETRY_AFTER);
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

  /**
   * A comment to every subscriber, and a second one {@link #SECOND_WRITE_AFTER} later: an idle
   * stream stays open, and a client gone away is found. Asked for again before it is sent, it is
   * sent once: a sender writes at most one per item it sends or per {@link #SENDER_POLL} idle,
   * however often refused subscribers ask.
   */
  public void heartbeat() {
    subscribers.forEach(s -> s.heartbeatWanted = true);
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

    static final Frame HEARTBEAT = comment("heartbeat");

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
    private volatile boolean heartbeatWanted;

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
      boolean secondWriteDue = false;
      long secondWriteAt = 0;
      try {
        while (!closed) {
          Frame frame = queue.poll(SENDER_POLL.toNanos(), TimeUnit.NANOSECONDS);
          if (frame != null) {
            emitter.send(frame.toBuilder());
          }
          if (heartbeatWanted) {
            heartbeatWanted = false;
            emitter.send(Frame.HEARTBEAT.toBuilder());
            secondWriteDue = true;
            secondWriteAt = System.nanoTime() + SECOND_WRITE_AFTER.toNanos();
          } else if (secondWriteDue && System.nanoTime() - secondWriteAt >= 0) {
            secondWriteDue = false;
            emitter.send(Frame.HEARTBEAT.toBuilder());
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
