package io.fraudpipeline.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsTest {

  @Test
  void summaryGivesMedianMinAndMaxOfRepetitions() {
    Summary odd = Summary.of(30, 10, 20);
    assertThat(odd.median()).isEqualTo(20);
    assertThat(odd.min()).isEqualTo(10);
    assertThat(odd.max()).isEqualTo(30);
    assertThat(Summary.of(4, 1, 3, 2).median()).isEqualTo(2.5);
  }

  @Test
  void durationsCountInWholeMilliseconds() {
    Summary rounds =
        Summary.ofMillis(
            List.of(Duration.ofMillis(1200), Duration.ofNanos(301_900_000), Duration.ofSeconds(2)));
    assertThat(rounds.values()).containsExactly(1200.0, 301.0, 2000.0);
    assertThat(rounds.median()).isEqualTo(1200);
    // What the measuring tools print: a median between two whole milliseconds rounds down.
    assertThat(
            (long) Summary.ofMillis(List.of(Duration.ofMillis(3), Duration.ofMillis(4))).median())
        .isEqualTo(3);
  }

  @Test
  void percentilesUseTheNearestRankOfAllSamples() {
    long[] samples = new long[1000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = 1000 - i; // 1000 .. 1, unsorted on purpose
    }
    Percentiles p = Percentiles.of(samples);
    assertThat(p.count()).isEqualTo(1000);
    assertThat(p.p50()).isEqualTo(500);
    assertThat(p.p99()).isEqualTo(990);
    assertThat(p.p999()).isEqualTo(999);
    assertThat(p.max()).isEqualTo(1000);
  }

  @Test
  void percentilesOfFewSamplesAreTheLargestForHighRanks() {
    Percentiles p = Percentiles.of(new long[] {5, 7, 9});
    assertThat(p.p50()).isEqualTo(7);
    assertThat(p.p99()).isEqualTo(9);
  }
}
