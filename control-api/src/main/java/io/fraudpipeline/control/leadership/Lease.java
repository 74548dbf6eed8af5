package io.fraudpipeline.control.leadership;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The local bound on how long this replica may still believe it leads without hearing from Kafka
 * again. It is renewed from a moment at which the group coordinator is known to have counted this
 * member as alive; the coordinator cannot hand the partition to another member before that moment
 * plus the session timeout, so a lease of the session timeout minus a margin ends first. Times are
 * {@link System#nanoTime()} values: monotonic, and they keep running while the process is stopped
 * (SIGSTOP), which is the point.
 */
final class Lease {

  private final long validityNanos;
  private final LongSupplier nanoClock;
  private boolean held;
  private long deadline;

  /**
   * @param validity how long a renewal is good for: the session timeout minus a safety margin
   * @param nanoClock the monotonic clock ({@code System::nanoTime} outside unit tests)
   */
  Lease(Duration validity, LongSupplier nanoClock) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("a lease must be valid for some time: " + validity);
    }
    this.validityNanos = validity.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Extends the lease to {@code aliveAt} plus the validity, never shortening it.
   *
   * @param aliveAt a nanoTime no later than the coordinator's last sign that this member was alive
   */
  synchronized void renew(long aliveAt) {
    long candidate = aliveAt + validityNanos;
    if (!held || candidate - deadline > 0) {
      deadline = candidate;
    }
    held = true;
  }

  /** Ends the lease at once: the next holder starts from a fresh renewal. */
  synchronized void revoke() {
    held = false;
  }

  synchronized boolean isValid() {
    return held && nanoClock.getAsLong() - deadline < 0;
  }

  /** Time left, zero when expired or not held. */
  synchronized Duration remaining() {
    if (!held) {
      return Duration.ZERO;
    }
    long left = deadline - nanoClock.getAsLong();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }
}
