package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.PipelineEvent;
import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.leadership.LeadershipChange;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeadershipEventsTest {

  private final RecordedEvents events = new RecordedEvents();
  private final LeadershipEvents leadershipEvents = new LeadershipEvents(events);

  @Test
  void anElectionIsANormalEventSoWebhooksOfWarningsDoNotPageForIt() {
    // Probe 8 (P8-4): LeaderElected was a warning, so every start of a replica was sent to the
    // webhooks of `types: warning` (the default) as though something were wrong.
    leadershipEvents.onChange(new LeadershipChange("replica-1", true, 3, Instant.EPOCH, false));

    assertThat(events.all())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(EventReason.LEADER_ELECTED))
        .satisfies(e -> assertThat(e.type()).isEqualTo(PipelineEvent.Type.NORMAL))
        .satisfies(
            e ->
                assertThat(e.message())
                    .isEqualTo("Replica replica-1 leads (epoch 3): it reconciles"));
  }

  @Test
  void losingTheLeadershipStaysAWarning() {
    leadershipEvents.onChange(new LeadershipChange("replica-1", false, 3, Instant.EPOCH, false));

    assertThat(events.all())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(EventReason.LEADER_LOST))
        .satisfies(e -> assertThat(e.type()).isEqualTo(PipelineEvent.Type.WARNING));
  }

  @Test
  void aLeaderResigningAsItShutsDownIsANormalEventSoAPlannedRestartDoesNotPage() {
    leadershipEvents.onChange(new LeadershipChange("replica-1", false, 3, Instant.EPOCH, true));

    assertThat(events.all())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(EventReason.LEADER_LOST))
        .satisfies(e -> assertThat(e.type()).isEqualTo(PipelineEvent.Type.NORMAL))
        .satisfies(e -> assertThat(e.message()).contains("resigned", "shutting down"));
  }
}
