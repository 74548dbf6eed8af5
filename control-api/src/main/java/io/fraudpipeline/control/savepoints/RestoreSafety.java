package io.fraudpipeline.control.savepoints;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether a saved state can be resumed without loss: Kafka still has every {@code transactions}
 * record after the offsets it resumes from.
 *
 * @param restorableWithoutLoss true when no record after its offsets was deleted, false when some
 *     were, null when unknown (no offsets kept, or Kafka did not answer)
 * @param recordsDeleted records after its offsets that Kafka already deleted, all partitions; null
 *     when unknown
 * @param recordsDeletedByPartition the same per partition (only partitions that lost records)
 */
public record RestoreSafety(
    Boolean restorableWithoutLoss,
    Long recordsDeleted,
    Map<Integer, Long> recordsDeletedByPartition) {

  public RestoreSafety {
    recordsDeletedByPartition =
        recordsDeletedByPartition == null
            ? null
            : Collections.unmodifiableMap(new TreeMap<>(recordsDeletedByPartition));
  }

  public static RestoreSafety unknown() {
    return new RestoreSafety(null, null, null);
  }

  /** Known to lose records if restored. */
  public boolean unsafe() {
    return Boolean.FALSE.equals(restorableWithoutLoss);
  }

  /**
   * Compares offsets to resume from with the earliest offsets Kafka still has.
   *
   * @param offsets partition → next offset to read; null when unknown
   * @param earliest partition → earliest offset still in the topic
   */
  public static RestoreSafety of(Map<Integer, Long> offsets, Map<Integer, Long> earliest) {
    if (offsets == null || earliest == null) {
      return unknown();
    }
    Map<Integer, Long> deleted = new TreeMap<>();
    offsets.forEach(
        (partition, offset) -> {
          Long start = earliest.get(partition);
          // A partition Kafka no longer has (topic recreated smaller) cannot be judged here.
          if (start != null && start > offset) {
            deleted.put(partition, start - offset);
          }
        });
    long total = deleted.values().stream().mapToLong(Long::longValue).sum();
    return new RestoreSafety(deleted.isEmpty(), total, deleted);
  }
}
