package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.TopicsProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Fresh reads of the {@code transactions} offsets that decide whether a saved state can be resumed
 * without loss: the fraud job's committed offsets (what a savepoint resumes from) and the earliest
 * offsets Kafka still has. Called on demand, unlike the {@link OffsetsPoller}'s periodic sample,
 * because a savepoint's offsets must be read the moment it completes.
 */
@Component
public class TransactionsOffsets {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Admin admin;
  private final String topic;
  private final String groupId;

  public TransactionsOffsets(Admin admin, TopicsProperties topics, LagProperties lag) {
    this.admin = admin;
    this.topic = topics.transactions();
    this.groupId = lag.groupId();
  }

  /**
   * The job's committed offsets (partition → next offset to read); empty when the group has none.
   *
   * @throws KafkaUnavailableException when Kafka does not answer
   */
  public Map<Integer, Long> committed() {
    return kafka(() -> committedOffsets(admin, groupId, topic, TIMEOUT));
  }

  /**
   * Moves the job's committed offsets forward to {@code offsets} (partition → next offset to read)
   * where they are behind; never back. For a job that has ended: the group has no member then
   * (Flink's Kafka source assigns its partitions rather than joining), so Kafka accepts the change.
   *
   * @return the partitions moved, with their new offsets
   * @throws KafkaUnavailableException when Kafka does not answer or refuses
   */
  public Map<Integer, Long> advanceCommitted(Map<Integer, Long> offsets) {
    return kafka(
        () -> {
          Map<Integer, Long> committed = committedOffsets(admin, groupId, topic, TIMEOUT);
          Map<TopicPartition, OffsetAndMetadata> behind = new HashMap<>();
          Map<Integer, Long> moved = new HashMap<>();
          offsets.forEach(
              (partition, offset) -> {
                if (offset > committed.getOrDefault(partition, -1L)) {
                  behind.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset));
                  moved.put(partition, offset);
                }
              });
          if (!behind.isEmpty()) {
            await(
                admin
                    .alterConsumerGroupOffsets(
                        groupId,
                        behind,
                        new AlterConsumerGroupOffsetsOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .all());
          }
          return Map.copyOf(moved);
        });
  }

  /**
   * The earliest offset of each partition (the log start: older records were deleted).
   *
   * @throws KafkaUnavailableException when Kafka does not answer
   */
  public Map<Integer, Long> earliest() {
    return kafka(
        () -> {
          int timeoutMs = (int) TIMEOUT.toMillis();
          var description =
              await(
                  admin
                      .describeTopics(
                          List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                      .topicNameValues()
                      .get(topic));
          Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
          description
              .partitions()
              .forEach(
                  p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest()));
          Map<Integer, Long> result = new HashMap<>();
          await(admin.listOffsets(specs, new ListOffsetsOptions().timeoutMs(timeoutMs)).all())
              .forEach((tp, info) -> result.put(tp.partition(), info.offset()));
          return Map.copyOf(result);
        });
  }

  /**
   * A group's committed offsets on one topic (partition → offset); empty when the group is unknown.
   */
  static Map<Integer, Long> committedOffsets(
      Admin admin, String groupId, String topic, Duration timeout) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets;
    try {
      offsets =
          await(
              admin
                  .listConsumerGroupOffsets(
                      groupId,
                      new ListConsumerGroupOffsetsOptions().timeoutMs((int) timeout.toMillis()))
                  .partitionsToOffsetAndMetadata());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Map.of();
      }
      throw e;
    }
    Map<Integer, Long> result = new HashMap<>();
    offsets.forEach(
        (tp, offset) -> {
          if (offset != null && tp.topic().equals(topic)) {
            result.put(tp.partition(), offset.offset());
          }
        });
    return Map.copyOf(result);
  }

  private interface KafkaCall<T> {
    T call() throws Exception;
  }

  private <T> T kafka(KafkaCall<T> call) {
    try {
      return call.call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while reading " + topic + " offsets", e);
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new KafkaUnavailableException(
          "Cannot read the offsets of " + topic + " (group " + groupId + "): " + cause.getMessage(),
          e);
    }
  }

  private static <T> T await(KafkaFuture<T> future)
      throws ExecutionException, InterruptedException, TimeoutException {
    // The admin call has its own timeout; this one only guards against a future never completing.
    return future.get(TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
  }
}
