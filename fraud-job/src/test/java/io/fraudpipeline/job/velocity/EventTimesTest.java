package io.fraudpipeline.job.velocity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventTimesTest {

  @Test
  void insertsInOrderAndCountsTheHalfOpenWindow() {
    long[] times = new long[0];
    for (long t : new long[] {50, 10, 30, 30, 70}) {
      times = EventTimes.insert(times, t);
    }
    assertThat(times).containsExactly(10, 30, 30, 50, 70);
    // (10, 50]: 30, 30, 50
    assertThat(EventTimes.countInWindow(times, 50, 40)).isEqualTo(3);
    // (-30, 10]: 10
    assertThat(EventTimes.countInWindow(times, 10, 40)).isEqualTo(1);
  }

  @Test
  void dropsEntriesAtOrBeforeTheCutoff() {
    assertThat(EventTimes.dropUpTo(new long[] {10, 30, 30, 50}, 30)).containsExactly(50);
    assertThat(EventTimes.dropUpTo(new long[] {10, 30}, 5)).containsExactly(10, 30);
    assertThat(EventTimes.dropUpTo(new long[] {10, 30}, 30)).isEmpty();
  }
}
