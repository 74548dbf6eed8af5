package io.fraudpipeline.control.scheduling;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * A bean whose whole lifecycle is one {@link PeriodicTask}: Spring starts it with the context and
 * stops it on shutdown, and {@link #poll()} runs from then on at a fixed delay.
 */
public abstract class PeriodicLifecycle implements SmartLifecycle {

  private final PeriodicTask task;

  /**
   * @param threadName the name of the thread that polls
   * @param delay the time between the end of one poll and the start of the next
   * @param stopTimeout how long a shutdown waits for a poll in progress to end
   */
  protected PeriodicLifecycle(String threadName, Duration delay, Duration stopTimeout) {
    // The task calls poll() only once started, when the subclass is fully constructed.
    this.task = new PeriodicTask(threadName, this::poll, delay, stopTimeout);
  }

  /** One round of the background work; must not throw, a throw would end the schedule. */
  protected abstract void poll();

  /** One more {@link #poll()} as soon as the thread is free; see {@link PeriodicTask#runSoon()}. */
  protected final void pollSoon() {
    task.runSoon();
  }

  @Override
  public final void start() {
    task.start();
  }

  @Override
  public final void stop() {
    task.stop();
  }

  @Override
  public final boolean isRunning() {
    return task.isRunning();
  }
}
