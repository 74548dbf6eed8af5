package io.fraudpipeline.control.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transactions sent in batches every 100 ms for as long as a test waits, every one that should
 * alert recorded in the test's expected alerts, so a fault or an upgrade happens under load.
 */
public final class SteadyLoad {

  private final Traffic traffic;
  private final List<String> expectedAlerts;
  private final String prefix;
  private final AtomicInteger batch = new AtomicInteger();

  public SteadyLoad(Traffic traffic, List<String> expectedAlerts, String prefix) {
    this.traffic = traffic;
    this.expectedAlerts = expectedAlerts;
    this.prefix = prefix;
  }

  /** Sends for this long: 10 transactions per batch, every fifth one fraudulent. */
  public void runFor(Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      expectedAlerts.addAll(traffic.send(prefix + "-" + batch.incrementAndGet(), 10, 5));
      Thread.sleep(100);
    }
  }

  /** Sends until the condition holds or the time is up; returns whether it held. */
  public boolean runUntil(java.util.function.BooleanSupplier done, Duration atMost)
      throws InterruptedException {
    long end = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < end) {
      if (done.getAsBoolean()) {
        return true;
      }
      runFor(Duration.ofMillis(500));
    }
    return done.getAsBoolean();
  }
}
