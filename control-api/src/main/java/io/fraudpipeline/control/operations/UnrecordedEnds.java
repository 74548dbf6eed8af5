package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.scheduling.Backoff;
import io.fraudpipeline.control.scheduling.DaemonThreads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the end of an operation (the record that says it is over) to the store, and writes it
 * again, with a backoff, until Kafka has it. Left in progress in the topic, an operation whose
 * replica is alive holds its job for every other replica: their claims see it in progress and no
 * replica fails it as abandoned while its owner is in the group, so before, a missed end refused
 * every stop, savepoint or rescale of that job elsewhere (409) until the owner restarted. Only the
 * owner knows the operation ended, and anything it could tell the others goes through the same
 * Kafka that missed the end, so the end itself is what it sends again. A control plane shutting
 * down tries each once more, within a bound, before it goes ({@link #close(Duration)}).
 */
final class UnrecordedEnds {

  private static final Logger log = LoggerFactory.getLogger(UnrecordedEnds.class);

  private final OperationStore store;
  private final Backoff backoff;

  /** The newest ended state of each operation Kafka does not have yet, by id. */
  private final Map<String, Operation> pending = new ConcurrentHashMap<>();

  /**
   * Writes of one operation's end are one at a time, under its stripe: a retry never puts back an
   * older end over a newer one (a cause refined since). Striped, not one lock: while Kafka is down
   * each write waits for its timeout, and the ends of other operations need not queue behind it.
   */
  private final Object[] stripes = new Object[16];

  private final ScheduledThreadPoolExecutor retries =
      new ScheduledThreadPoolExecutor(1, DaemonThreads.named("operation-ends"));

  /** Failed tries in a row; guarded by {@code this}. */
  private int failures;

  /** Whether a retry is scheduled; guarded by {@code this}. */
  private boolean scheduled;

  private volatile boolean closed;

  /**
   * @param backoff the wait before each new try, after as many failed ones in a row
   */
  UnrecordedEnds(OperationStore store, Backoff backoff) {
    this.store = store;
    this.backoff = backoff;
    // A retry waiting for its backoff is dropped at close: the last tries are made at once.
    retries.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  /**
   * Writes an ended operation; should Kafka not have it, keeps it to write again.
   *
   * @return whether Kafka has it now
   */
  boolean save(Operation ended) {
    synchronized (stripe(ended.id())) {
      if (store.save(ended)) {
        pending.remove(ended.id());
        return true;
      }
      pending.put(ended.id(), ended);
    }
    scheduleRetry();
    return false;
  }

  private Object stripe(String id) {
    return stripes[Math.floorMod(id.hashCode(), stripes.length)];
  }

  /** Whether the operation's end is still to be written. */
  boolean isPending(String id) {
    return pending.containsKey(id);
  }

  private synchronized void scheduleRetry() {
    if (scheduled || closed) {
      return;
    }
    failures++;
    scheduled = true;
    try {
      retries.schedule(
          this::retry, backoff.afterFailures(failures).toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closing.
      scheduled = false;
    }
  }

  private void retry() {
    synchronized (this) {
      scheduled = false;
    }
    writeEach(() -> closed, "after " + failures + " failed tries");
    synchronized (this) {
      if (pending.isEmpty()) {
        failures = 0;
      } else {
        // Kafka still down, closing, or ends that failed while this round ran.
        scheduleRetry();
      }
    }
  }

  /**
   * Writes each end still to be written, in turn, until {@code stop} says so or Kafka misses one
   * (the others would wait as long): the retry's round and the last try at shutdown alike.
   *
   * @param recorded when it is recorded, for the log ("after 3 failed tries")
   */
  private void writeEach(BooleanSupplier stop, String recorded) {
    for (String id : List.copyOf(pending.keySet())) {
      if (stop.getAsBoolean()) {
        return;
      }
      synchronized (stripe(id)) {
        Operation ended = pending.get(id);
        if (ended == null) {
          continue;
        }
        if (!store.save(ended)) {
          return;
        }
        pending.remove(id);
        log.info(
            "The end of operation {} {} on job {} ({}) is recorded {}: other replicas see it ended",
            ended.kind(),
            id,
            ended.jobId(),
            ended.state(),
            recorded);
      }
    }
  }

  /**
   * Tries each end still to be written once more, then stops writing: for at most {@code within}
   * (what is left of {@code fraud.operations.end-flush-timeout}), after a retry under way, if any.
   * Before, a control plane shutting down gracefully dropped them: the operations stayed in
   * progress in the topic, holding their jobs for the other replicas until the leader, once this
   * replica had left the group, failed them as abandoned. What is still unwritten after it is left
   * to the leader so, as an interrupted operation is.
   */
  void close(Duration within) {
    closed = true;
    try {
      retries.execute(this::flush);
    } catch (RejectedExecutionException e) {
      // Closed before.
    }
    retries.shutdown();
    try {
      if (!retries.awaitTermination(within.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn(
            "The ends of operations {} were not recorded within fraud.operations.end-flush-timeout"
                + " at shutdown: the leader ends them as abandoned",
            List.copyOf(pending.keySet()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      retries.shutdownNow();
    }
  }

  /**
   * One last try of each end still to be written, until Kafka misses one or the timeout cuts it.
   */
  private void flush() {
    writeEach(() -> Thread.currentThread().isInterrupted(), "as the control plane shuts down");
  }
}
