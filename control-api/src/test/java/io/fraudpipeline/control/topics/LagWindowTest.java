package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LagWindowTest {

  private final LagWindow window = new LagWindow(Duration.ofSeconds(60));

  @Test
  void isOkWhenTheLagWasZeroWithinTheWindow() {
    window.add(0, 100, 0);
    window.add(30_000, 100, 50);
    window.add(60_000, 100, 90);

    assertThat(window.status()).isEqualTo(LagStatus.OK);
  }

  @Test
  void isUnknownUntilTheSamplesCoverTheWindow() {
    window.add(0, 100, 10);
    window.add(30_000, 100, 20);

    assertThat(window.status()).isEqualTo(LagStatus.UNKNOWN);
  }

  @Test
  void isStalledWhenTheCommittedOffsetDidNotMoveForTheWholeWindowWhileRecordsWait() {
    for (long t = 0; t <= 60_000; t += 5_000) {
      window.add(t, 100, 10);
    }

    assertThat(window.status()).isEqualTo(LagStatus.STALLED);
  }

  @Test
  void isLaggingWhenTheLagGrowsAtEveryCommit() {
    // Commits every 10 s (Flink checkpoints), samples every 5 s: the lag rises between commits
    // and, measured at each commit, keeps growing.
    long committed = 0;
    long end = 100;
    for (long t = 0; t <= 60_000; t += 5_000) {
      if (t % 10_000 == 0) {
        committed += 80;
      }
      end += 60;
      window.add(t, committed, end - committed);
    }

    assertThat(window.status()).isEqualTo(LagStatus.LAGGING);
  }

  @Test
  void isOkWhenAGroupKeepsUpBetweenCheckpoints() {
    // The lag rises between commits and falls back at each: a healthy Flink consumer.
    long committed = 0;
    long end = 0;
    for (long t = 0; t <= 60_000; t += 5_000) {
      end += 50;
      if (t % 10_000 == 0) {
        committed = end - 10;
      }
      window.add(t, committed, end - committed);
    }

    assertThat(window.status()).isEqualTo(LagStatus.OK);
  }

  @Test
  void forgetsSamplesOlderThanTheWindow() {
    window.add(0, 100, 0); // zero lag, but long ago
    for (long t = 10_000; t <= 130_000; t += 10_000) {
      window.add(t, 100, 10);
    }

    assertThat(window.status()).isEqualTo(LagStatus.STALLED);
  }
}
