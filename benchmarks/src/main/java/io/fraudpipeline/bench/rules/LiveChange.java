package io.fraudpipeline.bench.rules;

import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.bench.kafka.ObservedAlert;
import java.time.Duration;
import java.util.function.BiPredicate;

/**
 * One rule change made while the job runs, timed the way scenarios 4 and 7 both report it: from
 * just before the PATCH request to the first alert carrying the new version, appended to the alerts
 * topic and visible to a {@code read_committed} consumer.
 *
 * @param version the rules version the change published
 * @param toAppendMs the PATCH → that alert's append time ({@code LogAppendTime})
 * @param toVisibleMs the PATCH → that alert visible
 * @param patchMs the PATCH request's own response time (publish and read-back included)
 */
record LiveChange(long version, double toAppendMs, double toVisibleMs, double patchMs) {

  /** The PATCH request: publishes the change, returns the version published. */
  interface Patch {
    long send() throws Exception;
  }

  /**
   * Sends {@code patch} and waits for the first alert after it that {@code showsVersion} accepts
   * for the version published.
   */
  static LiveChange measure(
      AlertWatcher watcher,
      Patch patch,
      BiPredicate<ObservedAlert, Long> showsVersion,
      Duration wait)
      throws Exception {
    int from = watcher.count();
    long publishedAt = System.currentTimeMillis();
    long patchNanos = System.nanoTime();
    long next = patch.send();
    double patchMs = (System.nanoTime() - patchNanos) / 1e6;
    ObservedAlert alert = watcher.awaitFirst(from, a -> showsVersion.test(a, next), wait);
    return new LiveChange(
        next,
        alert.recordTimestamp() - publishedAt,
        alert.visibleAtMillis() - publishedAt,
        patchMs);
  }
}
