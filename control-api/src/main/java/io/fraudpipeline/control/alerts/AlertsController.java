package io.fraudpipeline.control.alerts;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.topics.OffsetsObservation;
import io.fraudpipeline.control.topics.OffsetsPoller;
import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;
import io.fraudpipeline.model.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** A look at the alerts for curl users: the latest committed ones, or a live stream. */
@RestController
@RequestMapping("/api/v1/alerts")
@Tag(name = "alerts", description = "The latest committed fraud alerts, and a live stream")
class AlertsController {

  /** The latest committed alerts, newest first. */
  record AlertsView(String topic, int count, List<AlertEntry> alerts) {}

  private final AlertsTail tail;
  private final OffsetsPoller offsets;
  private final AlertsProperties properties;

  AlertsController(AlertsTail tail, OffsetsPoller offsets, AlertsProperties properties) {
    this.tail = tail;
    this.offsets = offsets;
    this.properties = properties;
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "The latest committed alerts",
      description =
          "Newest first (by record timestamp), each as on the wire with its partition and offset;"
              + " read with read_committed by the control plane's one alerts consumer, so"
              + " alerts of aborted or open transactions never show. limit is 1 to"
              + " fraud.alerts.max-limit (200).")
  AlertsView latest(@RequestParam(defaultValue = "20") int limit) {
    if (limit < 1 || limit > properties.maxLimit()) {
      String message = "must be between 1 and " + properties.maxLimit();
      throw new ApiException(
          ProblemType.VALIDATION,
          "Invalid parameter 'limit': " + message,
          Map.of("errors", List.of(new FieldError("limit", message))));
    }
    requireKafka();
    List<AlertEntry> alerts = tail.newest(limit);
    return new AlertsView(tail.topic(), alerts.size(), alerts);
  }

  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      summary = "New committed alerts as server-sent events",
      description =
          "Event name 'alert', id '<partition>-<offset>', data the alert JSON; a comment every"
              + " heartbeat interval. At most fraud.alerts.max-subscribers streams (429 beyond);"
              + " all share one Kafka consumer. Try: curl -N .../api/v1/alerts/stream")
  SseEmitter stream() {
    requireKafka();
    return tail.streams().subscribe("new committed alerts of " + tail.topic(), entry -> true);
  }

  private void requireKafka() {
    OffsetsObservation observation = offsets.current();
    if (!observation.kafkaReachable()) {
      throw new KafkaUnavailableException(
          "Kafka did not answer at " + observation.observedAt() + ": " + observation.error());
    }
  }
}
