package io.fraudpipeline.control.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads a small topic from its beginning, incrementally: each {@link #catchUp} hands over the
 * committed records appended since the previous call and returns once it has read up to the end
 * (the last stable offset) as it was when called. That end is what makes a read after a write see
 * the write. One catch-up at a time; the timeout bounds each, from its call: waiting for another in
 * progress (a background refresh) included.
 */
public final class TopicTail implements AutoCloseable {

  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Duration timeout;
  private final ReentrantLock lock = new ReentrantLock();
  private Set<TopicPartition> assigned = Set.of();

  public TopicTail(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      String topic,
      Duration timeout) {
    this.consumer = consumer;
    this.topic = topic;
    this.timeout = timeout;
  }

  /**
   * @throws TimeoutException when Kafka does not answer, or the records are not read, within the
   *     timeout
   */
  public void catchUp(Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    catchUp(handler, timeout);
  }

  /**
   * As {@link #catchUp(Consumer)}, within {@code within} rather than the timeout: what is left of a
   * caller's own deadline.
   *
   * @throws TimeoutException when Kafka does not answer, or the records are not read, within it
   */
  public void catchUp(Consumer<ConsumerRecord<byte[], byte[]>> handler, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    try {
      // Not synchronized: with Kafka down, a read waited for the one in progress to time out and
      // then for its own timeout, twice the bound a caller was promised.
      if (!lock.tryLock(within.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new TimeoutException(
            "reading " + topic + ": the read in progress did not end within " + within);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
    try {
      read(handler, deadline);
    } finally {
      lock.unlock();
    }
  }

  private void read(Consumer<ConsumerRecord<byte[], byte[]>> handler, long deadline) {
    List<PartitionInfo> partitions = consumer.partitionsFor(topic, left(deadline));
    Set<TopicPartition> current = new HashSet<>();
    if (partitions != null) {
      partitions.forEach(p -> current.add(new TopicPartition(topic, p.partition())));
    }
    if (!current.equals(assigned)) {
      Set<TopicPartition> added = new HashSet<>(current);
      added.removeAll(assigned);
      Map<TopicPartition, Long> positions = new HashMap<>();
      for (TopicPartition tp : assigned) {
        if (current.contains(tp)) {
          positions.put(tp, consumer.position(tp, left(deadline)));
        }
      }
      consumer.assign(current);
      positions.forEach(consumer::seek);
      consumer.seekToBeginning(added);
      assigned = Set.copyOf(current);
    }
    if (assigned.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(assigned, left(deadline));
    while (behind(end, deadline)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("reading " + topic + " did not reach its end in time");
      }
      consumer.poll(Duration.ofMillis(100)).forEach(handler);
    }
  }

  /**
   * What is left of this catch-up's timeout: each Kafka call gets that, not a timeout of its own.
   */
  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private boolean behind(Map<TopicPartition, Long> end, long deadline) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), left(deadline)) < e.getValue()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    } finally {
      lock.unlock();
    }
  }
}
