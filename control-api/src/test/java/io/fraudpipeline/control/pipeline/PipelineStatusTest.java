package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PipelineStatusTest {

  private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void keepsTheLastDecisionsOldestFirstWithoutRepeatingOneThatDidNotChange() {
    PipelineStatus status = PipelineStatus.initial();
    assertThat(status.recentSteps()).isEmpty();

    for (int i = 0; i < PipelineStatus.RECENT_STEPS + 5; i++) {
      status = withStep(status, i);
      // A write that changes something else keeps the same last step.
      PipelineStatus.Builder unchanged = status.toBuilder();
      unchanged.deployments = i;
      status = unchanged.build();
    }

    assertThat(status.recentSteps()).hasSize(PipelineStatus.RECENT_STEPS);
    assertThat(status.recentSteps().get(0).message()).isEqualTo("step 5");
    assertThat(status.recentSteps()).last().isEqualTo(status.lastStep());
    assertThat(status.lastStep().message()).isEqualTo("step " + (PipelineStatus.RECENT_STEPS + 4));
    for (int i = 1; i < status.recentSteps().size(); i++) {
      assertThat(status.recentSteps().get(i).at()).isAfter(status.recentSteps().get(i - 1).at());
    }
  }

  private static PipelineStatus withStep(PipelineStatus status, int i) {
    PipelineStatus.Builder next = status.toBuilder();
    next.lastStep = new ReconcileStep(START.plusSeconds(i), "none", "step " + i, "replica-a", 1);
    return next.build();
  }
}
