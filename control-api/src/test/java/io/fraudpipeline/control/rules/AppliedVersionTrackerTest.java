package io.fraudpipeline.control.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AppliedVersionTrackerTest {

  private final AppliedVersionTracker tracker = new AppliedVersionTracker();

  @Test
  void keepsTheTimeAVersionWasFirstSeenUntilTheVersionOrTheJobChanges() {
    tracker.observe("job-1", 3, Instant.parse("2025-01-01T00:00:00Z"));
    tracker.observe("job-1", 3, Instant.parse("2025-01-01T00:00:05Z"));
    assertThat(tracker.current().orElseThrow().appliedSince())
        .isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(tracker.current().orElseThrow().observedAt())
        .isEqualTo(Instant.parse("2025-01-01T00:00:05Z"));

    tracker.observe("job-1", 4, Instant.parse("2025-01-01T00:00:10Z"));
    assertThat(tracker.current().orElseThrow().appliedSince())
        .isEqualTo(Instant.parse("2025-01-01T00:00:10Z"));

    tracker.observe("job-2", 4, Instant.parse("2025-01-01T00:00:20Z"));
    assertThat(tracker.current().orElseThrow().appliedSince())
        .isEqualTo(Instant.parse("2025-01-01T00:00:20Z"));
  }

  @Test
  void forgetsWhenNoJobReports() {
    tracker.observe("job-1", 3, Instant.EPOCH);
    tracker.forget();
    assertThat(tracker.current()).isEmpty();
  }
}
