package io.fraudpipeline.control.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.events.PipelineEvent.Type;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventBufferTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static PipelineEvent event(int n, Type type, String reason, String job) {
    return new PipelineEvent("e" + n, T0.plusSeconds(n), type, reason, "m" + n, job, "r1");
  }

  @Test
  void keepsTheLatestAndAnswersNewestFirst() {
    EventBuffer buffer = new EventBuffer(3);
    for (int n = 1; n <= 5; n++) {
      buffer.add(event(n, Type.NORMAL, EventReason.JOB_DEPLOYED, "job-a"));
    }

    assertThat(buffer.newest(new EventQuery(null, null, null, null, 10)))
        .extracting(PipelineEvent::id)
        .containsExactly("e5", "e4", "e3");
    assertThat(buffer.newest(new EventQuery(null, null, null, null, 2)))
        .extracting(PipelineEvent::id)
        .containsExactly("e5", "e4");
  }

  @Test
  void filtersByTypeReasonJobAndTimeTogether() {
    EventBuffer buffer = new EventBuffer(100);
    buffer.add(event(1, Type.WARNING, EventReason.JOB_FAILED, "job-a"));
    buffer.add(event(2, Type.WARNING, EventReason.JOB_FAILED, "job-b"));
    buffer.add(event(3, Type.NORMAL, EventReason.JOB_RESTARTED, "job-a"));
    buffer.add(event(4, Type.WARNING, EventReason.JOB_FAILED, "job-a"));
    buffer.add(event(5, Type.WARNING, EventReason.FLINK_UNREACHABLE, null));

    assertThat(buffer.newest(new EventQuery(Type.WARNING, null, null, null, 10)))
        .extracting(PipelineEvent::id)
        .containsExactly("e5", "e4", "e2", "e1");
    assertThat(buffer.newest(new EventQuery(null, EventReason.JOB_FAILED, "job-a", null, 10)))
        .extracting(PipelineEvent::id)
        .containsExactly("e4", "e1");
    assertThat(buffer.newest(new EventQuery(null, null, "job-a", T0.plusSeconds(3), 10)))
        .extracting(PipelineEvent::id)
        .as("since is inclusive")
        .containsExactly("e4", "e3");
    // The limit applies to the matching events, not to those searched.
    assertThat(buffer.newest(new EventQuery(null, EventReason.JOB_FAILED, null, null, 1)))
        .extracting(PipelineEvent::id)
        .containsExactly("e4");
  }

  @Test
  void holdsAnEventWrittenTwiceOnceAndForgetsTheIdsOfEventsItDropped() {
    EventBuffer buffer = new EventBuffer(2);
    PipelineEvent first = event(1, Type.NORMAL, EventReason.JOB_DEPLOYED, "job-a");

    assertThat(buffer.add(first)).isTrue();
    assertThat(buffer.add(first)).as("the writer's retry of an unacknowledged write").isFalse();
    assertThat(buffer.add(event(2, Type.NORMAL, EventReason.JOB_RESTARTED, "job-a"))).isTrue();
    assertThat(buffer.newest(new EventQuery(null, null, null, null, 10)))
        .extracting(PipelineEvent::id)
        .containsExactly("e2", "e1");

    buffer.add(event(3, Type.NORMAL, EventReason.JOB_RESTARTED, "job-a"));
    // e1 went with the capacity: its id is not held for ever.
    assertThat(buffer.add(first)).isTrue();
    assertThat(buffer.newest(new EventQuery(null, null, null, null, 10)))
        .extracting(PipelineEvent::id)
        .containsExactly("e1", "e3");
  }
}
