package io.fraudpipeline.control.events;

import java.time.Duration;

/**
 * Exponential backoff between webhook tries: {@code initial} after the first failure, doubled after
 * each further one, never more than {@code max}. No jitter: one replica sends few webhooks, so
 * there is no herd of clients to spread, and a fixed schedule is one operators can read in the
 * docs.
 */
record Backoff(Duration initial, Duration max) {

  /** The wait before the next try, after {@code failures} (1 or more) failed tries. */
  Duration afterFailures(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1");
    }
    Duration delay = initial;
    for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
