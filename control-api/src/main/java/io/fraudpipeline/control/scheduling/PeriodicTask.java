package io.fraudpipeline.control.scheduling;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One action run on a daemon thread of its own, at a fixed delay, from {@link #start()} (at once)
 * until {@link #stop()}: the background polling behind {@link PeriodicLifecycle} and the pollers
 * that build clients of their own on start. The action must not throw; a throw would end the
 * schedule.
 */
public final class PeriodicTask {

  private final String threadName;
  private final Runnable action;
  private final Duration delay;
  private final Duration stopTimeout;
  private final AtomicBoolean soonPending = new AtomicBoolean();
  private ScheduledExecutorService scheduler;

  /**
   * @param stopTimeout how long {@link #stop()} waits for a running action to end (zero: it does
   *     not wait)
   */
  public PeriodicTask(String threadName, Runnable action, Duration delay, Duration stopTimeout) {
    this.threadName = threadName;
    this.action = action;
    this.delay = delay;
    this.stopTimeout = stopTimeout;
  }

  public synchronized void start() {
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
      scheduler.scheduleWithFixedDelay(action, 0, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Runs the action once more as soon as the thread is free (after a run in progress), besides the
   * schedule: for a caller that just changed what the action acts on and should not wait up to a
   * whole delay. Calls made while such a run is still waiting to start add nothing; a call made
   * while it runs adds one more run after it. Does nothing unless started.
   */
  public synchronized void runSoon() {
    if (scheduler == null || !soonPending.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.execute(
          () -> {
            soonPending.set(false);
            action.run();
          });
    } catch (RejectedExecutionException stopping) {
      soonPending.set(false);
    }
  }

  /**
   * Stops the schedule and interrupts a running action.
   *
   * @return false when a running action did not end within the stop timeout
   */
  public synchronized boolean stop() {
    boolean ended = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        ended = scheduler.awaitTermination(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ended = false;
      }
      scheduler = null;
    }
    return ended;
  }

  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
