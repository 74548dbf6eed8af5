package io.fraudpipeline.job.velocity;

import java.util.Arrays;

/**
 * The event times of one account's recent transactions, ascending: the window the velocity rule
 * counts in. Kept as a plain {@code long[]} so keyed state stays small and cheap to copy.
 */
final class EventTimes {

  private EventTimes() {}

  /** A copy of {@code times} with {@code t} inserted after any equal times. */
  static long[] insert(long[] times, long t) {
    int at = upperBound(times, t);
    long[] result = new long[times.length + 1];
    System.arraycopy(times, 0, result, 0, at);
    result[at] = t;
    System.arraycopy(times, at, result, at + 1, times.length - at);
    return result;
  }

  /** How many times lie in the window {@code (t - windowMillis, t]}. */
  static int countInWindow(long[] times, long t, long windowMillis) {
    return upperBound(times, t) - upperBound(times, t - windowMillis);
  }

  /** {@code times} without the entries at or before {@code cutoff}. */
  static long[] dropUpTo(long[] times, long cutoff) {
    int from = upperBound(times, cutoff);
    return from == 0 ? times : Arrays.copyOfRange(times, from, times.length);
  }

  /** Index of the first entry greater than {@code t}. */
  private static int upperBound(long[] times, long t) {
    int lo = 0;
    int hi = times.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
