package io.fraudpipeline.control.savepoints;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which savepoints of the history to drop: those beyond the count or past the age of the retention,
 * never the newest one that can be restored without loss (or whose restorability is unknown) and
 * never a pinned one. Pure logic.
 */
final class RetentionPolicy {

  /** A savepoint to drop and why. */
  record Drop(SavepointRecord savepoint, String reason) {}

  private final SavepointProperties.Retention retention;

  RetentionPolicy(SavepointProperties.Retention retention) {
    this.retention = retention;
  }

  /**
   * @param newestFirst the history, newest first
   * @param safety the restorability of each savepoint
   * @param pinned paths another part still needs
   */
  List<Drop> select(
      List<SavepointRecord> newestFirst,
      Function<SavepointRecord, RestoreSafety> safety,
      Set<String> pinned,
      Instant now) {
    SavepointRecord newestRestorable =
        newestFirst.stream().filter(r -> !safety.apply(r).unsafe()).findFirst().orElse(null);
    List<Drop> drops = new ArrayList<>();
    for (int i = 0; i < newestFirst.size(); i++) {
      SavepointRecord record = newestFirst.get(i);
      if (record == newestRestorable || pinned.contains(record.path())) {
        continue;
      }
      String reason = reason(i, record, now);
      if (reason != null) {
        drops.add(new Drop(record, reason));
      }
    }
    return drops;
  }

  private String reason(int index, SavepointRecord record, Instant now) {
    if (retention.maxCount() > 0 && index >= retention.maxCount()) {
      return "beyond the newest "
          + retention.maxCount()
          + " (fraud.savepoints.retention.max-count)";
    }
    Duration maxAge = retention.maxAge();
    if (!maxAge.isNegative()
        && !maxAge.isZero()
        && record.createdAt().isBefore(now.minus(maxAge))) {
      return "older than " + maxAge + " (fraud.savepoints.retention.max-age)";
    }
    return null;
  }
}
