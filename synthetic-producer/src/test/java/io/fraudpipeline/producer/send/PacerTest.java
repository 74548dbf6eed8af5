package io.fraudpipeline.producer.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacerTest {

  @Test
  void letsTheFirstRecordThroughAtOnceThenOnePerPeriodAtOneRecordPerSecond()
      throws InterruptedException {
    SimulatedTicker ticker = new SimulatedTicker();
    Pacer pacer = Pacer.perSecond(1, ticker);
    long start = ticker.nanoTime();
    for (int i = 0; i < 5; i++) {
      assertThat(pacer.awaitPermit(() -> false)).isTrue();
    }
    assertThat(ticker.nanoTime() - start)
        .isBetween(TimeUnit.MILLISECONDS.toNanos(3_999), TimeUnit.MILLISECONDS.toNanos(4_001));
  }

  @ParameterizedTest(name = "{0} records/s")
  @ValueSource(longs = {1, 7, 1_000, 5_000, 250_000})
  void holdsTheTargetRateExactlyOverTenSimulatedSeconds(long rate) throws InterruptedException {
    SimulatedTicker ticker = new SimulatedTicker();
    Pacer pacer = Pacer.perSecond(rate, ticker);
    long start = ticker.nanoTime();
    long tenSeconds = TimeUnit.SECONDS.toNanos(10);
    long permits = 0;
    long[] perSecond = new long[10];
    while (pacer.awaitPermit(() -> ticker.nanoTime() - start >= tenSeconds)) {
      long at = ticker.nanoTime() - start;
      if (at >= tenSeconds) {
        break;
      }
      perSecond[(int) (at / TimeUnit.SECONDS.toNanos(1))]++;
      permits++;
    }
    // One token at the start, then exactly `rate` per second.
    assertThat(permits).isBetween(10 * rate, 10 * rate + 1);
    for (int second = 1; second < 10; second++) {
      assertThat(perSecond[second]).as("second %d", second).isBetween(rate - 1, rate + 1);
    }
  }

  @Test
  void catchesUpAfterALateWakeUpWithoutExceedingAQuarterSecondOfTraffic()
      throws InterruptedException {
    SimulatedTicker ticker = new SimulatedTicker();
    Pacer pacer = Pacer.perSecond(10_000, ticker);
    assertThat(pacer.awaitPermit(() -> false)).isTrue();
    ticker.advance(TimeUnit.SECONDS.toNanos(1)); // e.g. a GC pause
    long before = ticker.nanoTime();
    int immediate = 0;
    while (pacer.awaitPermit(() -> false) && ticker.nanoTime() == before) {
      immediate++;
    }
    assertThat(immediate).isEqualTo(2_500); // capacity: 250 ms at 10,000/s, not the whole second
  }

  @Test
  void givesUpWaitingWhenAskedTo() throws InterruptedException {
    SimulatedTicker ticker = new SimulatedTicker();
    Pacer pacer = Pacer.perSecond(1, ticker);
    assertThat(pacer.awaitPermit(() -> true)).isTrue(); // the initial token needs no wait
    assertThat(pacer.awaitPermit(() -> true)).isFalse();
  }

  @Test
  void anUnlimitedPacerNeverWaits() throws InterruptedException {
    Pacer pacer = Pacer.unlimited();
    for (int i = 0; i < 1000; i++) {
      assertThat(pacer.awaitPermit(() -> true)).isTrue();
    }
  }
}
