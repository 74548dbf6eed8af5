package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.topics.OffsetsSample.PartitionSample;
import io.fraudpipeline.control.topics.OffsetsSample.TopicSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * One round of Kafka calls: partitions, earliest / latest / last stable offsets of the pipeline
 * topics, and the fraud job's committed offsets. Not thread-safe: the poller's thread owns it.
 *
 * <p>A transactional producer leaves a commit marker after its records, and Flink commits the
 * offset after the last record it read, before the marker: comparing offsets alone would report a
 * lag of one that never goes away (and aborted records as lag). So a small gap between committed
 * and last stable offset is counted record by record with a {@code read_committed} consumer, which
 * skips markers and aborted records; the count is cached until either offset moves.
 *
 * <p>The alerts topic's new records are counted the same way at every sample, for the alert rate:
 * with an exactly-once job its offsets hold a commit marker per partition and checkpoint, which at
 * a low alert rate nearly doubles the offsets' growth. A stretch of more than {@code
 * exactCountMaxGap} offsets of one partition since the last sample counts as offsets: at such a
 * rate one marker per checkpoint is a small share.
 */
final class KafkaOffsetsReader {

  private record Gap(long from, long to) {}

  private record CountedGap(Gap gap, long records) {}

  private final Admin admin;
  private final Consumer<byte[], byte[]> gapReader;
  private final List<String> topics;
  private final String lagTopic;
  private final String alertsTopic;
  private final String groupId;
  private final Duration timeout;
  private final int exactCountMaxGap;
  private final Map<Integer, CountedGap> countedGaps = new HashMap<>();

  /** Per partition of the alerts topic, the offset up to which its records were counted. */
  private final Map<Integer, Long> alertsCountedTo = new HashMap<>();

  private long alertsCommitted;

  KafkaOffsetsReader(
      Admin admin,
      Consumer<byte[], byte[]> gapReader,
      List<String> topics,
      String lagTopic,
      String alertsTopic,
      String groupId,
      Duration timeout,
      int exactCountMaxGap) {
    this.admin = admin;
    this.gapReader = gapReader;
    this.topics = List.copyOf(topics);
    this.lagTopic = lagTopic;
    this.alertsTopic = alertsTopic;
    this.groupId = groupId;
    this.timeout = timeout;
    this.exactCountMaxGap = exactCountMaxGap;
  }

  /**
   * @throws Exception when Kafka does not answer within the timeout or refuses a call
   */
  OffsetsSample read(Instant at) throws Exception {
    int timeoutMs = (int) timeout.toMillis();
    Map<String, KafkaFuture<TopicDescription>> described =
        admin
            .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs))
            .topicNameValues();
    Map<String, List<TopicPartition>> partitions = new HashMap<>();
    for (String topic : topics) {
      try {
        TopicDescription description = await(described.get(topic));
        List<TopicPartition> tps = new ArrayList<>();
        description.partitions().forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
        partitions.put(topic, tps);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
    }
    List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
    Map<TopicPartition, ListOffsetsResultInfo> earliest = Map.of();
    Map<TopicPartition, ListOffsetsResultInfo> latest = Map.of();
    Map<TopicPartition, ListOffsetsResultInfo> stable = Map.of();
    if (!all.isEmpty()) {
      var earliestCall =
          admin.listOffsets(
              specs(all, OffsetSpec.earliest()), options(IsolationLevel.READ_UNCOMMITTED));
      var latestCall =
          admin.listOffsets(
              specs(all, OffsetSpec.latest()), options(IsolationLevel.READ_UNCOMMITTED));
      var stableCall =
          admin.listOffsets(
              specs(all, OffsetSpec.latest()), options(IsolationLevel.READ_COMMITTED));
      earliest = await(earliestCall.all());
      latest = await(latestCall.all());
      stable = await(stableCall.all());
    }
    List<TopicSample> topicSamples = new ArrayList<>();
    for (String topic : topics) {
      List<TopicPartition> tps = partitions.get(topic);
      if (tps == null) {
        topicSamples.add(new TopicSample(topic, false, List.of()));
        continue;
      }
      List<PartitionSample> samples = new ArrayList<>();
      for (TopicPartition tp : tps) {
        samples.add(
            new PartitionSample(
                tp.partition(),
                earliest.get(tp).offset(),
                latest.get(tp).offset(),
                stable.get(tp).offset()));
      }
      topicSamples.add(new TopicSample(topic, true, List.copyOf(samples)));
    }
    Map<Integer, Long> committed = committedOffsets();
    Map<Integer, Long> counted = countGaps(topicSamples, committed);
    Long alerts = countAlerts(topicSamples);
    return new OffsetsSample(at, List.copyOf(topicSamples), committed, counted, alerts);
  }

  /**
   * Adds the alerts committed since the last sample to the running total and returns it; null while
   * the alerts topic is missing. A partition's stretch not read to its end in time is counted at a
   * later sample.
   */
  private Long countAlerts(List<TopicSample> samples) {
    TopicSample alerts =
        samples.stream().filter(t -> t.name().equals(alertsTopic)).findFirst().orElse(null);
    if (alerts == null || !alerts.exists()) {
      alertsCountedTo.clear();
      return null;
    }
    Map<TopicPartition, Gap> toCount = new HashMap<>();
    for (PartitionSample p : alerts.partitions()) {
      Long countedTo = alertsCountedTo.get(p.partition());
      if (countedTo == null || p.lastStable() < countedTo) {
        // First seen, or the topic was recreated: the total grows from here.
        alertsCountedTo.put(p.partition(), p.lastStable());
        continue;
      }
      // Offsets retention deleted before they were counted count as offsets.
      long deleted = Math.max(0, Math.min(p.earliest(), p.lastStable()) - countedTo);
      Gap gap = new Gap(countedTo + deleted, p.lastStable());
      long width = gap.to() - gap.from();
      if (width > exactCountMaxGap) {
        alertsCommitted += deleted + width;
        alertsCountedTo.put(p.partition(), gap.to());
      } else if (width > 0) {
        alertsCommitted += deleted;
        alertsCountedTo.put(p.partition(), gap.from());
        toCount.put(new TopicPartition(alertsTopic, p.partition()), gap);
      } else {
        alertsCommitted += deleted;
        alertsCountedTo.put(p.partition(), gap.to());
      }
    }
    if (!toCount.isEmpty()) {
      count(toCount)
          .forEach(
              (tp, records) -> {
                alertsCommitted += records;
                alertsCountedTo.put(tp.partition(), toCount.get(tp).to());
              });
    }
    return alertsCommitted;
  }

  private Map<Integer, Long> committedOffsets() throws Exception {
    return TransactionsOffsets.committedOffsets(admin, groupId, lagTopic, timeout);
  }

  private Map<Integer, Long> countGaps(List<TopicSample> samples, Map<Integer, Long> committed) {
    Map<TopicPartition, Gap> toCount = new HashMap<>();
    Map<Integer, Long> result = new HashMap<>();
    Set<Integer> current = new HashSet<>();
    for (TopicSample topic : samples) {
      if (!topic.name().equals(lagTopic)) {
        continue;
      }
      for (PartitionSample p : topic.partitions()) {
        Long offset = committed.get(p.partition());
        if (offset == null) {
          continue;
        }
        Gap gap = new Gap(Math.max(offset, p.earliest()), p.lastStable());
        long width = gap.to() - gap.from();
        if (width <= 0 || width > exactCountMaxGap) {
          continue;
        }
        current.add(p.partition());
        CountedGap cached = countedGaps.get(p.partition());
        if (cached != null && cached.gap().equals(gap)) {
          result.put(p.partition(), cached.records());
        } else {
          toCount.put(new TopicPartition(lagTopic, p.partition()), gap);
        }
      }
    }
    countedGaps.keySet().retainAll(current);
    if (!toCount.isEmpty()) {
      count(toCount)
          .forEach(
              (tp, records) -> {
                countedGaps.put(tp.partition(), new CountedGap(toCount.get(tp), records));
                result.put(tp.partition(), records);
              });
    }
    return Map.copyOf(result);
  }

  /** Reads each gap with read_committed; a gap not read to its end in time stays uncounted. */
  private Map<TopicPartition, Long> count(Map<TopicPartition, Gap> gaps) {
    Map<TopicPartition, Long> records = new HashMap<>();
    Set<TopicPartition> done = new HashSet<>();
    gapReader.assign(gaps.keySet());
    try {
      gaps.forEach(
          (tp, gap) -> {
            gapReader.seek(tp, gap.from());
            records.put(tp, 0L);
          });
      long deadline = System.nanoTime() + timeout.toNanos();
      while (done.size() < gaps.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : gapReader.poll(Duration.ofMillis(100))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < gaps.get(tp).to()) {
            records.merge(tp, 1L, Long::sum);
          }
        }
        for (TopicPartition tp : gaps.keySet()) {
          // The position moves past markers and aborted records without returning them.
          if (!done.contains(tp) && gapReader.position(tp, timeout) >= gaps.get(tp).to()) {
            done.add(tp);
            gapReader.pause(List.of(tp));
          }
        }
      }
    } finally {
      gapReader.assign(List.of());
    }
    records.keySet().retainAll(done);
    return records;
  }

  private Map<TopicPartition, OffsetSpec> specs(List<TopicPartition> tps, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    tps.forEach(tp -> specs.put(tp, spec));
    return specs;
  }

  private ListOffsetsOptions options(IsolationLevel isolation) {
    return new ListOffsetsOptions(isolation).timeoutMs((int) timeout.toMillis());
  }

  private <T> T await(KafkaFuture<T> future)
      throws ExecutionException, InterruptedException, TimeoutException {
    // The admin call has its own timeout; this one only guards against a future never completing.
    return future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
  }
}
