package io.fraudpipeline.control.scheduling;

import java.time.Duration;

/**
 * Exponential backoff between tries (a webhook's, a topic follower's reads): {@code initial} after
 * the first failure, doubled after each further one, never more than {@code max}. No jitter: a
 * replica has only a handful of such clients, so there is no herd to spread, and a fixed schedule
 * is one operators can read in the docs.
 */
public record Backoff(Duration initial, Duration max) {

  /** The wait before the next try, after {@code failures} (1 or more) failed tries. */
  public Duration afterFailures(int failures) {
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
