package io.fraudpipeline.producer.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.producer.generate.GeneratorSettings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunSettingsTest {

  private static RunSettings.Builder settings() {
    return RunSettings.builder().bootstrapServers("localhost:9092");
  }

  @Test
  void eventTimeFollowsTheSendRate() {
    assertThat(settings().ratePerSecond(2_500).build().generator().eventsPerSecond())
        .isEqualTo(2_500);
    assertThat(settings().ratePerSecond(0).build().generator().eventsPerSecond())
        .isEqualTo(RunSettings.UNPACED_EVENTS_PER_SECOND);
  }

  @Test
  void aGeneratorGivenAtAnotherRateIsRebuiltAtTheRunsRate() {
    GeneratorSettings atDefaultRate = GeneratorSettings.builder().build();

    RunSettings run = new RunSettings("localhost:9092", "tx", 5_000, null, null, 10, atDefaultRate);

    assertThat(run.generator().eventsPerSecond()).isEqualTo(5_000);
    assertThat(run.generator().seed()).isEqualTo(atDefaultRate.seed());
  }

  @Test
  void startsWithTheRunSeedAndNoStartTimeUnlessTold() {
    GeneratorSettings defaults = settings().build().generator();
    assertThat(defaults.seed()).isEqualTo(RunSettings.DEFAULT_SEED);
    assertThat(defaults.startTime()).isNull();

    Instant start = Instant.parse("2025-04-01T09:00:00Z");
    GeneratorSettings told =
        settings().generator(g -> g.seed(7).startTime(start)).build().generator();
    assertThat(told.seed()).isEqualTo(7);
    assertThat(told.startingAt(Instant.EPOCH).startTime()).isEqualTo(start);
    assertThat(defaults.startingAt(start).startTime()).isEqualTo(start);
  }

  @Test
  void aBadRateIsReportedAsSuchBeforeAnyGeneratorLimit() {
    // Too few accounts at any paced rate, so a generator check would fail too.
    assertThatThrownBy(() -> settings().ratePerSecond(-5).generator(g -> g.accounts(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("rate must be between 1 and");
  }

  @Test
  void theGeneratorsLimitsAreCheckedAtTheRunsRate() {
    assertThatThrownBy(
            () -> settings().ratePerSecond(100_000).generator(g -> g.accounts(1_000)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at 100000 events/s");
  }
}
