package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.topics.OffsetsSample.PartitionSample;
import io.fraudpipeline.control.topics.OffsetsSample.TopicSample;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive {@link OffsetsSample}s into {@link OffsetsObservation}s: keeps the end-offset
 * history (lag in seconds), the lag window (status) and the rate windows (records per second, and
 * the counted alerts per second). Pure logic, fed by the poller's single thread.
 */
final class LagTracker {

  private record Total(long atMillis, long sum) {}

  /** The rate window of the counted alerts; no topic name has a space. */
  private static final String COUNTED_ALERTS = "counted alerts";

  private final String groupId;
  private final String lagTopic;
  private final int historySize;
  private final Duration evaluationWindow;
  private final long rateWindowMillis;
  private final Map<Integer, EndOffsetHistory> endHistory = new HashMap<>();
  private final Map<Integer, LagWindow> lagWindows = new HashMap<>();
  private final Map<String, Deque<Total>> rateWindows = new HashMap<>();

  /** Per partition, the offset up to which lost records were already counted. */
  private final Map<Integer, Long> lossCountedUpTo = new HashMap<>();

  LagTracker(String groupId, String lagTopic, LagProperties properties) {
    this.groupId = groupId;
    this.lagTopic = lagTopic;
    this.historySize = properties.historySize();
    this.evaluationWindow = properties.evaluationWindow();
    this.rateWindowMillis = properties.rateWindow().toMillis();
  }

  OffsetsObservation update(OffsetsSample sample) {
    long now = sample.at().toEpochMilli();
    List<TopicOffsets> topics = new ArrayList<>();
    ConsumerLag lag = ConsumerLag.unknown(groupId, lagTopic);
    for (TopicSample topic : sample.topics()) {
      if (!topic.exists()) {
        rateWindows.remove(topic.name());
        topics.add(TopicOffsets.missing(topic.name()));
        continue;
      }
      List<PartitionSample> partitions =
          topic.partitions().stream()
              .sorted(Comparator.comparingInt(PartitionSample::partition))
              .toList();
      topics.add(offsets(topic.name(), partitions, now));
      if (topic.name().equals(lagTopic)) {
        lag = lag(partitions, sample, now);
      }
    }
    Double alertsPerSecond = null;
    if (sample.alertsCommitted() == null) {
      rateWindows.remove(COUNTED_ALERTS);
    } else {
      alertsPerSecond = rate(COUNTED_ALERTS, sample.alertsCommitted(), now);
    }
    return new OffsetsObservation(
        sample.at(), true, null, sample.at(), List.copyOf(topics), lag, alertsPerSecond);
  }

  private TopicOffsets offsets(String name, List<PartitionSample> partitions, long now) {
    List<PartitionOffsets> result = new ArrayList<>();
    long records = 0;
    long stableSum = 0;
    for (PartitionSample p : partitions) {
      long count = Math.max(0, p.lastStable() - p.earliest());
      records += count;
      stableSum += p.lastStable();
      result.add(
          new PartitionOffsets(p.partition(), p.earliest(), p.latest(), p.lastStable(), count));
    }
    return new TopicOffsets(name, true, records, rate(name, stableSum, now), List.copyOf(result));
  }

  private double rate(String topic, long stableSum, long now) {
    Deque<Total> window = rateWindows.computeIfAbsent(topic, t -> new ArrayDeque<>());
    if (!window.isEmpty() && stableSum < window.peekLast().sum()) {
      window.clear(); // recreated topic
    }
    window.addLast(new Total(now, stableSum));
    while (window.size() > 2 && secondOldest(window).atMillis() <= now - rateWindowMillis) {
      window.removeFirst();
    }
    Total first = window.peekFirst();
    Total last = window.peekLast();
    long millis = last.atMillis() - first.atMillis();
    return millis <= 0 ? 0.0 : (last.sum() - first.sum()) * 1000.0 / millis;
  }

  private static Total secondOldest(Deque<Total> window) {
    var it = window.iterator();
    it.next();
    return it.next();
  }

  private ConsumerLag lag(List<PartitionSample> partitions, OffsetsSample sample, long now) {
    List<PartitionLag> result = new ArrayList<>();
    long totalRecords = 0;
    Double maxSeconds = null;
    LagStatus worst = null;
    long totalLost = 0;
    Map<Integer, Long> newlyLost = new HashMap<>();
    for (PartitionSample p : partitions) {
      EndOffsetHistory history =
          endHistory.computeIfAbsent(p.partition(), k -> new EndOffsetHistory(historySize));
      history.add(p.lastStable(), now);
      Long committed = sample.committed().get(p.partition());
      if (committed == null) {
        lagWindows.remove(p.partition());
        result.add(
            new PartitionLag(
                p.partition(), null, p.lastStable(), null, null, null, LagStatus.UNKNOWN));
        continue;
      }
      // Below the log start the group's next records were deleted before it read them: they are
      // lost, not lag, and the records it can still read start at the earliest offset.
      long lost = Math.max(0, p.earliest() - committed);
      long readFrom = committed + lost;
      long newly = newlyLost(p.partition(), committed, p.earliest());
      if (newly > 0) {
        newlyLost.put(p.partition(), newly);
      }
      Long counted = sample.countedLag().get(p.partition());
      long records = counted != null ? counted : Math.max(0, p.lastStable() - readFrom);
      Double seconds = records == 0 ? Double.valueOf(0.0) : history.lagSeconds(readFrom, now);
      LagWindow window =
          lagWindows.computeIfAbsent(p.partition(), k -> new LagWindow(evaluationWindow));
      window.add(now, committed, records);
      LagStatus status = lost > 0 ? LagStatus.DATA_LOSS : window.status();
      result.add(
          new PartitionLag(
              p.partition(), committed, p.lastStable(), records, seconds, lost, status));
      totalLost += lost;
      totalRecords += records;
      if (seconds != null && (maxSeconds == null || seconds > maxSeconds)) {
        maxSeconds = seconds;
      }
      if (status != LagStatus.UNKNOWN && (worst == null || status.severity() > worst.severity())) {
        worst = status;
      }
    }
    return new ConsumerLag(
        groupId,
        lagTopic,
        worst == null ? LagStatus.UNKNOWN : worst,
        totalRecords,
        maxSeconds,
        totalLost,
        List.copyOf(result),
        Map.copyOf(newlyLost));
  }

  /**
   * Lost records not counted before: those between the committed offset (or where counting stopped)
   * and the earliest offset. A log start below the counted mark means the topic was recreated:
   * counting starts over.
   */
  private long newlyLost(int partition, long committed, long earliest) {
    Long countedUpTo = lossCountedUpTo.get(partition);
    if (countedUpTo != null && earliest < countedUpTo) {
      lossCountedUpTo.remove(partition);
      countedUpTo = null;
    }
    if (earliest <= committed) {
      return 0;
    }
    long from = countedUpTo == null ? committed : Math.max(committed, countedUpTo);
    lossCountedUpTo.put(partition, earliest);
    return Math.max(0, earliest - from);
  }
}
