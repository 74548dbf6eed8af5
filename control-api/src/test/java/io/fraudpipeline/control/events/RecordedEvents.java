package io.fraudpipeline.control.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link EventRecorder} for unit tests of whoever records events (e.g. the reconciler's decision
 * table): keeps every event in memory, in order, instead of writing it to Kafka.
 */
public final class RecordedEvents implements EventRecorder {

  private final List<PipelineEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void record(PipelineEvent.Type type, String reason, String message, String jobId) {
    events.add(
        new PipelineEvent(
            UUID.randomUUID().toString(), Instant.now(), type, reason, message, jobId, "test"));
  }

  /** Every event recorded so far, oldest first. */
  public List<PipelineEvent> all() {
    return List.copyOf(events);
  }

  /** The reasons recorded so far, oldest first. */
  public List<String> reasons() {
    return events.stream().map(PipelineEvent::reason).toList();
  }

  public void clear() {
    events.clear();
  }
}
