package io.fraudpipeline.control.events;

import io.fraudpipeline.control.scheduling.Backoff;
import io.fraudpipeline.model.Sha256;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the event topic to one receiver, in order, from a consumer group of its own: the topic is
 * the outbox. Of all replicas configured with the receiver, the one the group gives the topic's
 * partition to delivers; the offset of an event is committed only once it is delivered (2xx),
 * refused (4xx other than 408 and 429) or older than {@code max-age}. Until then it is tried again
 * with capped exponential backoff, for as long as it takes, while the consumer keeps polling (its
 * partition paused) so the group does not take the partition away from a replica that is merely
 * waiting. When the replica stops or dies, the next owner starts from the committed offset: the
 * event in flight may arrive twice, nothing is lost.
 */
final class WebhookDelivery implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);

  /** The longest a poll or a wait for an answer blocks before looking whether to stop. */
  private static final Duration SLICE = Duration.ofMillis(500);

  /**
   * How many finished events' ids are remembered to pass over their second copy: it lands just
   * after the first, behind at most the events other replicas wrote in between.
   */
  private static final int RECENT_IDS = 1_000;

  private final URI url;
  private final String id;
  private final String receiver;
  private final String topic;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final WebhookSender sender;
  private final WebhooksProperties properties;
  private final Backoff backoff;
  private final Clock clock;
  private final WebhookMetrics metrics;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicReference<Instant> oldestUndelivered = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile Consumer<byte[], byte[]> consumer;
  private int generation;
  private long inFlight = -1;
  private long nextBacklogUpdate;
  private final Map<TopicPartition, OffsetAndMetadata> startsToCommit = new HashMap<>();

  /** The events this owner last finished with, by id. */
  private final RecentIds done = new RecentIds(RECENT_IDS);

  /**
   * @param consumers makes this receiver's consumer, in its group ({@link #groupId})
   */
  WebhookDelivery(
      URI url,
      String topic,
      Supplier<Consumer<byte[], byte[]>> consumers,
      WebhookSender sender,
      WebhooksProperties properties,
      Clock clock,
      WebhookMetrics metrics) {
    this.url = url;
    this.id = id(topic, url);
    this.receiver = WebhookSender.receiver(url);
    this.topic = topic;
    this.consumers = consumers;
    this.sender = sender;
    this.properties = properties;
    this.backoff = new Backoff(properties.initialBackoff(), properties.maxBackoff());
    this.clock = clock;
    this.metrics = metrics;
    metrics.register(id, backlog::get, this::oldestAgeSeconds);
  }

  /**
   * The receiver's id in metrics and its group id: a prefix of the SHA-256 of the topic and URL, so
   * neither the URL's path nor its query (often a token) shows in Kafka or Prometheus. The topic is
   * part of it so that two control planes on one broker sending to the same receiver stay apart.
   */
  static String id(String topic, URI url) {
    return Sha256.hex(topic + "\n" + url).substring(0, 16);
  }

  static String groupId(String topic, URI url) {
    return "control-api-webhooks-" + id(topic, url);
  }

  String id() {
    return id;
  }

  String receiver() {
    return receiver;
  }

  @Override
  public void run() {
    while (running) {
      try (Consumer<byte[], byte[]> c = consumers.get()) {
        consumer = c;
        if (!running) {
          return;
        }
        c.subscribe(Set.of(topic), new Rebalance());
        deliverUntilStopped();
        return;
      } catch (WakeupException | InterruptException e) {
        return;
      } catch (KafkaException e) {
        // A fenced or expelled member, an unreachable broker: start over with a new member.
        log.warn(
            "Webhooks to {} ({}): the event topic cannot be read, retrying: {}",
            receiver,
            id,
            e.toString());
        pause(Duration.ofSeconds(1));
      } finally {
        consumer = null;
        backlog.set(0);
        oldestUndelivered.set(null);
      }
    }
  }

  private void deliverUntilStopped() {
    while (running) {
      consumer.resume(consumer.assignment());
      ConsumerRecords<byte[], byte[]> records = consumer.poll(SLICE);
      consumer.pause(consumer.assignment());
      commitStarts();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        if (!handle(record)) {
          break;
        }
      }
      updateBacklog();
    }
  }

  private void commitStarts() {
    if (startsToCommit.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>(startsToCommit);
    startsToCommit.clear();
    starts.keySet().retainAll(consumer.assignment());
    consumer.commitSync(starts);
  }

  /**
   * Sends one event until it is done with, then commits past it; false when it was abandoned (the
   * replica stops, or the partition went to another one): its offset stays where it was.
   */
  private boolean handle(ConsumerRecord<byte[], byte[]> record) {
    int owned = generation;
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    Optional<PipelineEvent> read =
        record.value() == null ? Optional.empty() : EventJson.read(record.value());
    // A second copy of an event just delivered (the event log writer's retry of a write Kafka took
    // but did not acknowledge in time) is passed over; after a hand-over it may still come twice.
    if (read.isPresent()
        && properties.types().contains(read.get().type())
        && !done.contains(read.get().id())) {
      PipelineEvent event = read.get();
      inFlight = record.offset();
      oldestUndelivered.set(event.time());
      nextBacklogUpdate = 0;
      updateBacklog();
      boolean finished = deliver(event, record.value(), () -> running && generation == owned);
      oldestUndelivered.set(null);
      inFlight = -1;
      if (!finished) {
        sendAgainLater(record, partition);
        return false;
      }
      done.add(event.id());
    }
    try {
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
      return true;
    } catch (RebalanceInProgressException | CommitFailedException e) {
      // The partition is moving: the event is sent again by whoever gets it (at least once).
      sendAgainLater(record, partition);
      return false;
    }
  }

  /** A record left undone is the next one read, if this replica still owns its partition. */
  private void sendAgainLater(ConsumerRecord<byte[], byte[]> record, TopicPartition partition) {
    if (running && consumer.assignment().contains(partition)) {
      consumer.seek(partition, record.offset());
    }
  }

  /**
   * True once the event is delivered, refused or expired; false when {@code owned} turned false.
   */
  private boolean deliver(PipelineEvent event, byte[] body, Supplier<Boolean> owned) {
    for (int attempt = 1; ; attempt++) {
      if (expired(event)) {
        metrics.expired();
        log.warn(
            "Webhook of event {} ({}) to {} not sent: older than fraud.webhooks.max-age ({}) after"
                + " {} tries",
            event.id(),
            event.reason(),
            receiver,
            properties.maxAge(),
            attempt - 1);
        return true;
      }
      CompletableFuture<WebhookSender.Answer> sent = sender.send(url, event.id(), body, attempt);
      WebhookSender.Answer answer = await(sent, owned);
      if (answer == null) {
        return false;
      }
      switch (answer.outcome()) {
        case DELIVERED -> {
          metrics.delivered();
          if (attempt > 1) {
            log.info(
                "Webhook of event {} delivered to {} on try {}", event.id(), receiver, attempt);
          }
          return true;
        }
        case REFUSED -> {
          metrics.refused();
          log.warn(
              "Webhook of event {} ({}) refused by {} ({}): not sent again",
              event.id(),
              event.reason(),
              receiver,
              answer.why());
          return true;
        }
        case FAILED -> {
          Duration delay = backoff.afterFailures(attempt);
          metrics.retried();
          log.info(
              "Webhook of event {} ({}) to {} failed ({}), try {} in {}",
              event.id(),
              event.reason(),
              receiver,
              answer.why(),
              attempt + 1,
              delay);
          if (!waitOwning(delay, owned)) {
            return false;
          }
        }
      }
    }
  }

  private boolean expired(PipelineEvent event) {
    return event.time() != null && event.time().plus(properties.maxAge()).isBefore(clock.instant());
  }

  /** The answer, or null when {@code owned} turned false first. */
  private WebhookSender.Answer await(
      CompletableFuture<WebhookSender.Answer> sent, Supplier<Boolean> owned) {
    while (owned.get()) {
      try {
        return sent.get(SLICE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // Polls while the receiver takes its time, so the group keeps this member.
        consumer.poll(Duration.ZERO);
        updateBacklog();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (ExecutionException e) {
        throw new IllegalStateException("answers never complete exceptionally", e);
      }
    }
    sent.cancel(true);
    return null;
  }

  /** Waits by polling with the partition paused; false when {@code owned} turned false first. */
  private boolean waitOwning(Duration delay, Supplier<Boolean> owned) {
    long until = System.nanoTime() + delay.toNanos();
    while (owned.get()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      consumer.poll(Duration.ofNanos(Math.min(left, SLICE.toNanos())));
      updateBacklog();
    }
    return false;
  }

  /**
   * Counts the events of the topic this receiver has not been done with: from the one in flight
   * (else the position) to the end. Asks the broker for the end at most every {@link #SLICE} times
   * four: the consumer's own idea of it is not refreshed while its partition is paused.
   */
  private void updateBacklog() {
    if (System.nanoTime() < nextBacklogUpdate) {
      return;
    }
    nextBacklogUpdate = System.nanoTime() + SLICE.multipliedBy(4).toNanos();
    Set<TopicPartition> assigned = consumer.assignment();
    try {
      long count = 0;
      for (Map.Entry<TopicPartition, Long> end :
          consumer.endOffsets(assigned, SLICE.multipliedBy(4)).entrySet()) {
        long next = inFlight >= 0 ? inFlight : consumer.position(end.getKey(), SLICE);
        count += Math.max(0, end.getValue() - next);
      }
      backlog.set(count);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      // Kafka is slow or away: the gauge keeps its last value, the next round asks again.
    }
  }

  private double oldestAgeSeconds() {
    Instant oldest = oldestUndelivered.get();
    return oldest == null
        ? 0
        : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Ends the loop at its next look (within half a second); nothing in flight is committed. */
  void stop() {
    running = false;
    Consumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
  }

  /** Runs on the loop's thread, inside poll. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      handedOver(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      handedOver(partitions);
    }

    private void handedOver(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        generation++;
        if (running) {
          log.info("Webhooks to {} ({}) are now sent by another replica", receiver, id);
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      generation++;
      // Paused until the loop asks for records: a poll made while waiting must return none.
      consumer.pause(partitions);
      startNewReceiversNearNow(partitions);
      log.info("Webhooks to {} ({}) are sent by this replica", receiver, id);
    }

    /**
     * A group without a committed offset is a receiver seen for the first time: it starts with the
     * events of the last {@code new-receiver-window}, not the topic's history, and that start is
     * committed right after so that a restart does not move it.
     */
    private void startNewReceiversNearNow(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
      Map<TopicPartition, Long> since = new HashMap<>();
      for (TopicPartition partition : partitions) {
        if (committed.get(partition) == null) {
          since.put(
              partition, clock.instant().minus(properties.newReceiverWindow()).toEpochMilli());
        }
      }
      if (since.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since);
      Map<TopicPartition, Long> ends = consumer.endOffsets(since.keySet());
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      for (TopicPartition partition : since.keySet()) {
        OffsetAndTimestamp at = found.get(partition);
        long offset = at == null ? ends.get(partition) : at.offset();
        consumer.seek(partition, offset);
        start.put(partition, new OffsetAndMetadata(offset));
      }
      // Committed by the loop after the poll: a commit inside a rebalance callback may wait for the
      // rebalance to end, which waits for the callback.
      startsToCommit.putAll(start);
      log.info(
          "Webhooks to {} ({}): a new receiver, starting with the events of the last {}",
          receiver,
          id,
          properties.newReceiverWindow());
    }
  }
}
