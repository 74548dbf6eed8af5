package io.fraudpipeline.control.kafka;

import io.fraudpipeline.control.scheduling.Backoff;
import io.fraudpipeline.control.scheduling.DaemonThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows topics as they grow, on a thread of its own that blocks in poll, so a new committed
 * record is handed over as soon as the broker has it rather than at a reader's next round. Where
 * {@link TopicTail} reads a topic from its beginning when asked, this one starts near the end and
 * never stops: each partition from {@code recordsBack} records before its end as it is when first
 * assigned, and partitions that appear later (a topic created after the start) are picked up within
 * a second while none is assigned, else within ten seconds.
 *
 * <p>Kafka failing (at start-up, or an error a poll cannot ride out) is retried after a {@link
 * Backoff}, logged once when it starts and once when reading works again; it never ends the thread.
 * Single use: {@link #start()} once, {@link #close()} once.
 */
public final class TopicFollower implements AutoCloseable {

  /** What a follower hands its records to; called on the follower's thread. */
  public interface Reader {

    /**
     * The records of one poll, possibly none: it is called after every poll (at least every half
     * second while Kafka answers), so a reader can do periodic work here too.
     */
    void read(ConsumerRecords<byte[], byte[]> records);

    /**
     * {@code partitions} are followed from now on; records appended to them before their start
     * position were not and will not be read.
     */
    default void assigned(Set<TopicPartition> partitions) {}
  }

  // At most the consumers' longest reconnect backoff (ReadCommittedConsumers): a longer wait would
  // only delay reading again once Kafka is back.
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration REASSIGN_INTERVAL = Duration.ofSeconds(10);
  private static final Duration UNASSIGNED_RECHECK = Duration.ofSeconds(1);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final long recordsBack;
  private final Backoff backoff;
  private final Reader reader;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private Thread thread;

  // The follower thread's own.
  private Set<TopicPartition> assigned = Set.of();
  private int failures;

  /**
   * @param name the thread's name, and the follower's in the log
   * @param consumer the follower's own consumer (from {@link ReadCommittedConsumers}); closed with
   *     it, its default API timeout bounds each metadata call
   * @param topics what it follows
   * @param recordsBack how far before the end a newly assigned partition is read from (0: only
   *     records appended from then on)
   */
  public TopicFollower(
      String name,
      Consumer<byte[], byte[]> consumer,
      List<String> topics,
      long recordsBack,
      Reader reader) {
    this(name, consumer, topics, recordsBack, RETRY, reader);
  }

  TopicFollower(
      String name,
      Consumer<byte[], byte[]> consumer,
      List<String> topics,
      long recordsBack,
      Backoff backoff,
      Reader reader) {
    this.name = name;
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.recordsBack = recordsBack;
    this.backoff = backoff;
    this.reader = reader;
  }

  /** Starts the thread; returns at once, whether Kafka answers or not. */
  public synchronized void start() {
    if (thread != null || stopped()) {
      throw new IllegalStateException(name + " can be started only once");
    }
    thread = DaemonThreads.named(name).newThread(this::run);
    thread.start();
  }

  /** Ends a poll or a wait in progress, waits for the thread to end and closes the consumer. */
  @Override
  public synchronized void close() {
    if (stopped()) {
      return;
    }
    stopping.countDown();
    if (thread == null) {
      closeConsumer();
      return;
    }
    consumer.wakeup();
    try {
      thread.join(CLOSE_TIMEOUT.multipliedBy(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean stopped() {
    return stopping.getCount() == 0;
  }

  private void run() {
    long nextAssignment = System.nanoTime();
    try {
      while (!stopped()) {
        try {
          if (System.nanoTime() - nextAssignment >= 0) {
            reassign();
            Duration next = assigned.isEmpty() ? UNASSIGNED_RECHECK : REASSIGN_INTERVAL;
            nextAssignment = System.nanoTime() + next.toNanos();
          }
          // Polling a consumer with nothing assigned is an error, not a wait.
          ConsumerRecords<byte[], byte[]> records =
              assigned.isEmpty() ? idle() : consumer.poll(POLL_TIMEOUT);
          reader.read(records);
          if (failures > 0) {
            log.info("{} reads {} again", name, topics);
            failures = 0;
          }
        } catch (WakeupException e) {
          return;
        } catch (RuntimeException e) {
          failures++;
          Duration wait = backoff.afterFailures(failures);
          if (failures == 1) {
            log.warn("{} cannot read {}, retrying: {}", name, topics, e.toString());
          } else {
            log.debug(
                "{} still cannot read {} (retry in {}): {}", name, topics, wait, e.toString());
          }
          nextAssignment = System.nanoTime();
          await(wait);
        }
      }
    } finally {
      closeConsumer();
    }
  }

  private ConsumerRecords<byte[], byte[]> idle() {
    await(POLL_TIMEOUT);
    return ConsumerRecords.empty();
  }

  /** Waits, unless the follower is stopping. */
  private void await(Duration wait) {
    try {
      stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.countDown();
    }
  }

  /** Follows the topics' partitions as they are now, keeping the position of those it had. */
  private void reassign() {
    Set<TopicPartition> current = new HashSet<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos != null) {
        infos.forEach(p -> current.add(new TopicPartition(topic, p.partition())));
      }
    }
    if (current.equals(assigned)) {
      return;
    }
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : assigned) {
      if (current.contains(tp)) {
        positions.put(tp, consumer.position(tp));
      }
    }
    Set<TopicPartition> added = new HashSet<>(current);
    added.removeAll(assigned);
    consumer.assign(current);
    if (!added.isEmpty()) {
      // Asked once assigned: a read_committed consumer keeps the end it learns for its partitions.
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(added);
      Map<TopicPartition, Long> end = consumer.endOffsets(added);
      added.forEach(tp -> positions.put(tp, Math.max(begin.get(tp), end.get(tp) - recordsBack)));
    }
    positions.forEach(consumer::seek);
    assigned = Set.copyOf(current);
    if (!added.isEmpty()) {
      reader.assigned(Set.copyOf(added));
    }
  }

  private void closeConsumer() {
    try {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    } catch (RuntimeException e) {
      log.debug("Closing {}'s consumer failed: {}", name, e.toString());
    }
  }
}
