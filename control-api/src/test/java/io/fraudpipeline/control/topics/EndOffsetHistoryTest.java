package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EndOffsetHistoryTest {

  @Test
  void interpolatesWhenTheEndOffsetPassedTheConsumersOffset() {
    EndOffsetHistory history = new EndOffsetHistory(10);
    history.add(0, 0);
    history.add(100, 10_000); // 10 records per second

    // Offset 50 was written at 5 s; at 12 s it is 7 s old.
    assertThat(history.lagSeconds(50, 12_000)).isCloseTo(7.0, within(1e-9));
  }

  @Test
  void aConsumerAtTheEndHasNoLag() {
    EndOffsetHistory history = new EndOffsetHistory(10);
    history.add(0, 0);
    history.add(100, 10_000);

    assertThat(history.lagSeconds(100, 60_000)).isZero();
    assertThat(history.lagSeconds(120, 60_000)).isZero();
  }

  @Test
  void anIdleStretchKeepsItsLastSampleSoTheAgeStartsWhenWritingResumed() {
    EndOffsetHistory history = new EndOffsetHistory(10);
    history.add(100, 0);
    history.add(100, 10_000);
    history.add(100, 20_000); // idle from 0 s to 20 s: only the first and last points remain
    history.add(200, 30_000);

    assertThat(history.size()).isEqualTo(3);
    // Offset 100 was written between 20 s and 30 s: interpolated at 20 s, so 15 s old at 35 s.
    assertThat(history.lagSeconds(100, 35_000)).isCloseTo(15.0, within(1e-9));
    assertThat(history.lagSeconds(150, 35_000)).isCloseTo(10.0, within(1e-9));
  }

  @Test
  void extrapolatesAnOffsetOlderThanTheHistoryWithTheAverageRate() {
    EndOffsetHistory history = new EndOffsetHistory(2);
    history.add(0, 0);
    history.add(100, 10_000);
    history.add(200, 20_000); // capacity 2: the point at 0 s is dropped

    assertThat(history.lagSeconds(0, 20_000)).isCloseTo(20.0, within(1e-9));
  }

  @Test
  void startsOverWhenTheEndOffsetGoesBackwards() {
    EndOffsetHistory history = new EndOffsetHistory(10);
    history.add(500, 0);
    history.add(600, 10_000);
    history.add(5, 20_000); // topic recreated

    assertThat(history.size()).isEqualTo(1);
    assertThat(history.lagSeconds(0, 25_000)).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void knowsNothingWithoutSamples() {
    assertThat(new EndOffsetHistory(10).lagSeconds(0, 1_000)).isNull();
  }
}
