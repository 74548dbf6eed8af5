package io.fraudpipeline.job.late;

import io.fraudpipeline.job.JobMetrics;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.slf4j.Logger;

/**
 * The transactions an event-time operator gets behind its watermark: counted ({@link
 * JobMetrics#LATE_TRANSACTIONS}) and logged at most once per {@link #LOG_INTERVAL_MILLIS}, as the
 * metric goes with the job and a result that differs from a bounded replay is explained only by
 * this.
 *
 * <p>Late is judged against the watermark of the checkpoint the operator's state was restored from
 * too ({@link #WATERMARK}): the restored windows were evicted up to it, though the operator's own
 * watermark starts again from nothing, so a transaction at or before it is judged against shortened
 * windows exactly as a late one is. Each subtask checkpoints its watermark as union state, one
 * element each; after a restore, whatever the parallelism, the lowest is the one every restored
 * window was evicted by at most. A savepoint without it (of a build that did not write it) restores
 * with nothing known to be late.
 *
 * <p>A drained stop ends the input: its {@code MAX_WATERMARK} judges everything waiting and empties
 * every window, and the savepoint taken then records where the input ended in event time, the last
 * watermark before it, so that a restore counts what arrives behind that as late. Not {@code
 * MAX_WATERMARK} itself: every transaction of every later run would count as late, though only
 * those near the end of the drained input are judged against windows the drain emptied.
 */
public final class LateTransactions {

  /** Each subtask's watermark at a checkpoint (union state: every subtask sees all). */
  public static final ListStateDescriptor<Long> WATERMARK =
      new ListStateDescriptor<>("watermark-at-checkpoint", Long.class);

  /** At most one log line about late transactions per subtask in this much processing time. */
  public static final long LOG_INTERVAL_MILLIS = 60_000;

  private final Logger log;
  private final String consequence;
  private final ListState<Long> watermarkState;
  // The watermark of the checkpoint restored from (Long.MIN_VALUE: none).
  private final long restoredWatermark;
  // The newest watermark before a drain's MAX_WATERMARK (Long.MIN_VALUE: none yet).
  private long lastBeforeEnd = Long.MIN_VALUE;
  private Counter counter;
  private long sinceLogged;
  private long loggedAt;

  /**
   * Called from the operator's {@code initializeState}.
   *
   * @param log the operator's logger, which the warnings go to
   * @param consequence what being late does to a transaction's judgement, ending the warning
   */
  public LateTransactions(StateInitializationContext context, Logger log, String consequence)
      throws Exception {
    this.log = log;
    this.consequence = consequence;
    watermarkState = context.getOperatorStateStore().getUnionListState(WATERMARK);
    long lowest = Long.MAX_VALUE;
    if (context.isRestored()) {
      for (Long mark : watermarkState.get()) {
        lowest = Math.min(lowest, mark);
      }
    }
    restoredWatermark = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
  }

  /** Registers the counter; called from the operator's {@code open}. */
  public void open(MetricGroup metrics) {
    counter = metrics.counter(JobMetrics.LATE_TRANSACTIONS);
  }

  /**
   * The event time at or before which a transaction arriving now is late.
   *
   * @param watermark the operator's current watermark
   */
  public long lateUpTo(long watermark) {
    return Math.max(watermark, restoredWatermark);
  }

  /** Notes the operator's watermark; called from its {@code processWatermark}. */
  public void advance(long watermark) {
    if (watermark != Long.MAX_VALUE) {
      lastBeforeEnd = Math.max(lastBeforeEnd, watermark);
    }
  }

  /**
   * Writes the watermark late is judged against into the checkpoint, for a later restore: after a
   * drain, where the input ended.
   */
  public void snapshot(long watermark) throws Exception {
    long mark =
        watermark == Long.MAX_VALUE
            ? Math.max(lastBeforeEnd, restoredWatermark)
            : lateUpTo(watermark);
    watermarkState.update(List.of(mark));
  }

  /**
   * Counts a late transaction and logs it unless a warning went out within {@link
   * #LOG_INTERVAL_MILLIS}.
   *
   * @param lateUpTo what {@link #lateUpTo} said when it arrived
   */
  public void count(String transactionId, long time, long lateUpTo) {
    counter.inc();
    sinceLogged++;
    long now = System.currentTimeMillis();
    if (loggedAt != 0 && now - loggedAt < LOG_INTERVAL_MILLIS) {
      return;
    }
    log.warn(
        "{} transaction(s) arrived behind the watermark since the last report (beyond"
            + " --max-out-of-orderness), the latest {} at {}, {} ms behind {}: {}",
        sinceLogged,
        transactionId,
        Instant.ofEpochMilli(time),
        lateUpTo - time,
        Instant.ofEpochMilli(lateUpTo),
        consequence);
    sinceLogged = 0;
    loggedAt = now;
  }

  /** The count so far, for tests. */
  public long count() {
    return counter.getCount();
  }
}
