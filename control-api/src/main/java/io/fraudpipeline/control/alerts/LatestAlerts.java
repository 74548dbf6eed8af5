package io.fraudpipeline.control.alerts;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The latest alerts of each partition, bounded; a peek merges them newest first. */
final class LatestAlerts {

  private static final Comparator<AlertEntry> NEWEST_FIRST =
      Comparator.comparing(AlertEntry::timestamp)
          .thenComparingLong(AlertEntry::offset)
          .thenComparingInt(AlertEntry::partition)
          .reversed();

  private final int perPartition;
  private final Map<Integer, Deque<AlertEntry>> partitions = new HashMap<>();

  LatestAlerts(int perPartition) {
    this.perPartition = perPartition;
  }

  synchronized void add(AlertEntry entry) {
    Deque<AlertEntry> latest =
        partitions.computeIfAbsent(entry.partition(), p -> new ArrayDeque<>());
    latest.addLast(entry);
    if (latest.size() > perPartition) {
      latest.removeFirst();
    }
  }

  /** The newest {@code limit} alerts kept that match {@code filter}, newest first. */
  synchronized List<AlertEntry> newest(int limit, Predicate<? super AlertEntry> filter) {
    List<AlertEntry> all = new ArrayList<>();
    partitions.values().forEach(latest -> latest.stream().filter(filter).forEach(all::add));
    all.sort(NEWEST_FIRST);
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }
}
