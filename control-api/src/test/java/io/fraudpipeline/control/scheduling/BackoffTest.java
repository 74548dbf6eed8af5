package io.fraudpipeline.control.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheInitialWaitUpToTheMaximum() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

    assertThat(IntStream.rangeClosed(1, 6).mapToObj(backoff::afterFailures))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10));
  }

  @Test
  void staysAtTheMaximumAfterManyFailuresWithoutOverflowing() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMinutes(1));

    assertThat(backoff.afterFailures(1_000)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void anInitialWaitAboveTheMaximumIsCapped() {
    assertThat(new Backoff(Duration.ofMinutes(5), Duration.ofMinutes(1)).afterFailures(1))
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void thereIsNoWaitBeforeTheFirstTry() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

    assertThatThrownBy(() -> backoff.afterFailures(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
