package io.fraudpipeline.job.named;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * The transactions {@code aggregate-rules} holds until the watermark passes them, polled in judging
 * order: event time in milliseconds, then transaction id ({@link RuleWindows#JUDGING_ORDER}).
 *
 * <p>A 4-ary min-heap over a {@code long[]} of event times and a parallel array of the
 * transactions. It replaced a {@code PriorityQueue} of wrapper records with a {@code Comparator},
 * whose sifting, comparator calls and wrappers were about 9 % of the operator's time in a JFR
 * profile: here a comparison reads two longs from one array and looks at the ids only on a tie, and
 * four children share a cache line or two. Four rather than two children halve the depth that every
 * poll sifts down through.
 */
final class WaitingTransactions {

  private static final int INITIAL_CAPACITY = 64;

  private long[] times = new long[INITIAL_CAPACITY];
  private GroupedTransaction[] transactions = new GroupedTransaction[INITIAL_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /**
   * @param time {@code grouped}'s event time in milliseconds ({@code RuleWindows.time}), read once
   */
  void add(long time, GroupedTransaction grouped) {
    if (size == times.length) {
      int capacity = times.length * 2;
      times = Arrays.copyOf(times, capacity);
      transactions = Arrays.copyOf(transactions, capacity);
    }
    int at = size++;
    // A hole moves up instead of swapping: one write per level.
    while (at > 0) {
      int parent = (at - 1) >>> 2;
      if (!precedes(time, grouped, parent)) {
        break;
      }
      copy(parent, at);
      at = parent;
    }
    set(at, time, grouped);
  }

  /** The first transaction's event time. */
  long peekTime() {
    if (size == 0) {
      throw new NoSuchElementException("no transaction is waiting");
    }
    return times[0];
  }

  /** Removes and returns the first transaction in judging order. */
  GroupedTransaction poll() {
    if (size == 0) {
      throw new NoSuchElementException("no transaction is waiting");
    }
    GroupedTransaction first = transactions[0];
    int last = --size;
    long time = times[last];
    GroupedTransaction moved = transactions[last];
    // The slot is outside the heap now: keeping the reference would keep the transaction alive.
    transactions[last] = null;
    if (last > 0) {
      siftDown(time, moved);
    }
    return first;
  }

  /** Every waiting transaction, in no particular order. */
  void forEach(Consumer<? super GroupedTransaction> action) {
    for (int i = 0; i < size; i++) {
      action.accept(transactions[i]);
    }
  }

  /** Places {@code grouped}, which was last, from the root down to where it belongs. */
  private void siftDown(long time, GroupedTransaction grouped) {
    int at = 0;
    while (true) {
      int first = 4 * at + 1;
      if (first >= size) {
        break;
      }
      int least = first;
      int end = Math.min(first + 4, size);
      for (int child = first + 1; child < end; child++) {
        if (precedes(child, least)) {
          least = child;
        }
      }
      if (!precedes(least, time, grouped)) {
        break;
      }
      copy(least, at);
      at = least;
    }
    set(at, time, grouped);
  }

  private void copy(int from, int to) {
    times[to] = times[from];
    transactions[to] = transactions[from];
  }

  private void set(int at, long time, GroupedTransaction grouped) {
    times[at] = time;
    transactions[at] = grouped;
  }

  /**
   * Whether {@code grouped} at {@code time} comes strictly before the {@code i}-th entry. The ids
   * are compared only on a tie: that reads the entry, which may well be out of the cache.
   */
  private boolean precedes(long time, GroupedTransaction grouped, int i) {
    return time != times[i] ? time < times[i] : grouped.compareIdWith(transactions[i]) < 0;
  }

  /** Whether the {@code i}-th entry comes strictly before {@code grouped} at {@code time}. */
  private boolean precedes(int i, long time, GroupedTransaction grouped) {
    return times[i] != time ? times[i] < time : transactions[i].compareIdWith(grouped) < 0;
  }

  private boolean precedes(int i, int j) {
    return times[i] != times[j]
        ? times[i] < times[j]
        : transactions[i].compareIdWith(transactions[j]) < 0;
  }
}
