package io.fraudpipeline.control.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void runSoonRunsTheActionWithoutWaitingForTheNextPeriod() {
    AtomicInteger runs = new AtomicInteger();
    PeriodicTask task = new PeriodicTask("test-soon", runs::incrementAndGet, HOUR, Duration.ZERO);
    task.start();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
      task.runSoon();
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
    } finally {
      task.stop();
    }
  }

  @Test
  void callsWhileARunWaitsAddNothingAndACallDuringARunAddsOneMore() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    PeriodicTask task =
        new PeriodicTask(
            "test-coalesce",
            () -> {
              if (runs.incrementAndGet() == 1) {
                started.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            HOUR,
            Duration.ofSeconds(5));
    task.start();
    try {
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      // The first run is in progress: these three ask for one run after it, not three.
      task.runSoon();
      task.runSoon();
      task.runSoon();
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
      // That run has started (and ended), so a new call runs again.
      task.runSoon();
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 3);
      // And stays there: the coalesced calls add no fourth run.
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> runs.get() == 3);
    } finally {
      task.stop();
    }
  }

  @Test
  void runSoonBeforeStartOrAfterStopDoesNothing() {
    AtomicInteger runs = new AtomicInteger();
    PeriodicTask task = new PeriodicTask("test-idle", runs::incrementAndGet, HOUR, Duration.ZERO);
    task.runSoon();
    task.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    task.stop();
    task.runSoon();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> runs.get() == 1);
  }
}
