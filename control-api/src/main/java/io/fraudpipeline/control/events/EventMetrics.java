package io.fraudpipeline.control.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code fraud.events} by type and reason, counted by the replica that records an event only, so a
 * sum over replicas counts each event once. Every type and reason of the vocabulary is registered
 * at zero up front: a series that exists before its first event lets {@code increase()} see that
 * event, and the dashboard panel shows data on a quiet pipeline.
 */
@Component
class EventMetrics {

  private final Map<String, Counter> counters = new HashMap<>();

  EventMetrics(MeterRegistry registry) {
    for (PipelineEvent.Type type : PipelineEvent.Type.values()) {
      for (String reason : EventReason.ALL) {
        register(registry, type, reason);
      }
      register(registry, type, EventReason.OTHER);
    }
  }

  private void register(MeterRegistry registry, PipelineEvent.Type type, String reason) {
    counters.put(
        key(type, reason),
        Counter.builder("fraud.events")
            .description("Events recorded by this replica, by type and reason")
            .tag("type", type.value())
            .tag("reason", reason)
            .register(registry));
  }

  void count(PipelineEvent event) {
    counters.get(key(event.type(), EventReason.tag(event.reason()))).increment();
  }

  private static String key(PipelineEvent.Type type, String reason) {
    return type.value() + "/" + reason;
  }
}
