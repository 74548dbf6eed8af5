package io.fraudpipeline.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CpuAccountTest {

  private static final long BURN_NANOS = 300_000_000L;

  @Test
  void countsABusyThreadUnderItsKindAndTheCollectorUnderItsOwn() throws InterruptedException {
    assertThat(CpuAccount.supported()).as("Linux with /proc and thread CPU time").isTrue();
    CountDownLatch burnt = new CountDownLatch(1);
    CountDownLatch counted = new CountDownLatch(1);
    // A harness thread by its name (ThreadKinds): it uses 300 ms of CPU, then waits to be counted.
    Thread busy =
        new Thread(
            () -> {
              var threads = ManagementFactory.getThreadMXBean();
              long spin = 0;
              while (threads.getCurrentThreadCpuTime() < BURN_NANOS) {
                spin += System.nanoTime() & 1;
              }
              burnt.countDown();
              try {
                counted.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (spin < 0) {
                throw new AssertionError("never");
              }
            },
            "alert-watcher-cpu-account-test");
    CpuAccount start = CpuAccount.now();
    busy.start();
    burnt.await();
    System.gc();

    Map<String, Double> seconds = CpuAccount.now().secondsSince(start);
    counted.countDown();
    busy.join();

    assertThat(seconds.getOrDefault(ThreadKinds.HARNESS, 0.0)).isGreaterThanOrEqualTo(0.3);
    assertThat(seconds.getOrDefault(ThreadKinds.GC, 0.0)).isPositive();
    assertThat(seconds.values()).allSatisfy(s -> assertThat(s).isNotNegative());
  }
}
