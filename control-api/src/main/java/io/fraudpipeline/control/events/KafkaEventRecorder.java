package io.fraudpipeline.control.events;

import io.fraudpipeline.control.leadership.Leadership;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Records an event: logs it once here, counts it, queues it for the event topic (from which every
 * replica serves it, and the webhooks are sent). Returns at once and never throws: the decision the
 * event describes matters more than its record.
 */
final class KafkaEventRecorder implements EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(KafkaEventRecorder.class);

  private final ObjectProvider<Leadership> leadership;
  private final EventMetrics metrics;
  private final EventLogWriter writer;
  private final Clock clock;

  /**
   * @param leadership looked up on each event rather than injected: the leader election records
   *     events too, and a constructor dependency both ways would be a cycle
   */
  KafkaEventRecorder(
      ObjectProvider<Leadership> leadership,
      EventMetrics metrics,
      EventLogWriter writer,
      Clock clock) {
    this.leadership = leadership;
    this.metrics = metrics;
    this.writer = writer;
    this.clock = clock;
  }

  @Override
  public void record(PipelineEvent.Type type, String reason, String message, String jobId) {
    try {
      PipelineEvent event =
          new PipelineEvent(
              UUID.randomUUID().toString(),
              clock.instant(),
              type == null ? PipelineEvent.Type.WARNING : type,
              reason == null || reason.isBlank() ? EventReason.OTHER : reason,
              message,
              jobId,
              replicaId());
      String about = jobId == null ? "" : " (job " + jobId + ")";
      if (event.type() == PipelineEvent.Type.WARNING) {
        log.warn("Event {}: {}{} [{}]", event.reason(), message, about, event.id());
      } else {
        log.info("Event {}: {}{} [{}]", event.reason(), message, about, event.id());
      }
      metrics.count(event);
      writer.offer(event);
    } catch (RuntimeException e) {
      log.warn("Could not record the event {} ({}): {}", reason, message, e.toString());
    }
  }

  private String replicaId() {
    try {
      Leadership current = leadership.getIfAvailable();
      return current == null ? null : current.replicaId();
    } catch (RuntimeException e) {
      // The leadership bean is still being created (it records an event while starting).
      return null;
    }
  }
}
