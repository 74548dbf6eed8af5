package io.fraudpipeline.control.events;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.web.JobIdParameter;
import io.fraudpipeline.model.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** What the control plane decided and observed, from any replica: a list and a live stream. */
@RestController
@RequestMapping(
    path = "/api/v1/events",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "events", description = "The control plane's decisions and observations")
class EventsController {

  /** The newest matching events, newest first. */
  record EventsView(String topic, int count, List<PipelineEvent> events) {}

  private final EventFollower follower;
  private final EventsProperties properties;

  EventsController(EventFollower follower, EventsProperties properties) {
    this.follower = follower;
    this.properties = properties;
  }

  @GetMapping
  @Operation(
      summary = "The latest events",
      description =
          "Newest first, in the order the event topic has them, so every replica answers the"
              + " same. Filters: type (normal, warning), reason (e.g. JobFailed), job_id, since"
              + " (ISO-8601 instant, inclusive). limit (default 20) is 1 to fraud.events.max-limit (200);"
              + " the latest fraud.events.buffer-size events are searched.")
  @ApiResponse(responseCode = "200", description = "The events, newest first")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  EventsView list(
      @RequestParam(required = false) String type,
      @RequestParam(required = false) String reason,
      @RequestParam(name = "job_id", required = false)
          @Pattern(regexp = JobIdParameter.PATTERN, message = JobIdParameter.MESSAGE)
          String jobId,
      @RequestParam(required = false) String since,
      // A long, so that a whole number beyond an int is told the allowed range below.
      @RequestParam(defaultValue = "20") long limit) {
    List<FieldError> errors = new ArrayList<>();
    if (limit < 1 || limit > properties.maxLimit()) {
      errors.add(new FieldError("limit", "must be between 1 and " + properties.maxLimit()));
    }
    EventQuery query =
        new EventQuery(
            parseType(type, errors),
            reason,
            normalized(jobId),
            parseSince(since, errors),
            (int) limit);
    reject(errors);
    requireCaughtUp();
    List<PipelineEvent> events = follower.newest(query);
    return new EventsView(follower.topic(), events.size(), events);
  }

  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      summary = "New events as server-sent events",
      description =
          "Event name 'event', id the event id, data the event JSON; optional filters type,"
              + " reason, job_id; a comment every heartbeat interval. At most"
              + " fraud.events.max-subscribers streams (429 beyond). Try: curl -N"
              + " .../api/v1/events/stream?type=warning")
  @ApiResponse(responseCode = "200", description = "The stream, until fraud.events.stream-timeout")
  @ApiResponse(
      responseCode = "429",
      description = "too-many-requests: every stream slot is taken; Retry-After says when to retry")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  SseEmitter stream(
      @RequestParam(required = false) String type,
      @RequestParam(required = false) String reason,
      @RequestParam(name = "job_id", required = false)
          @Pattern(regexp = JobIdParameter.PATTERN, message = JobIdParameter.MESSAGE)
          String jobId) {
    List<FieldError> errors = new ArrayList<>();
    EventQuery filter = new EventQuery(parseType(type, errors), reason, normalized(jobId), null, 0);
    reject(errors);
    requireCaughtUp();
    return follower.streams().subscribe("new control-plane events", filter::matches);
  }

  private static String normalized(String jobId) {
    return jobId == null ? null : JobIdParameter.normalize(jobId);
  }

  private static PipelineEvent.Type parseType(String type, List<FieldError> errors) {
    if (type == null) {
      return null;
    }
    try {
      return PipelineEvent.Type.of(type);
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("type", e.getMessage()));
      return null;
    }
  }

  private static Instant parseSince(String since, List<FieldError> errors) {
    if (since == null) {
      return null;
    }
    try {
      return Instant.parse(since);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError("since", "must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z"));
      return null;
    }
  }

  private static void reject(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
  }

  /** An empty list from a replica that could never read the topic would be a lie. */
  private void requireCaughtUp() {
    if (!follower.caughtUp()) {
      throw new KafkaUnavailableException(
          "The event topic " + follower.topic() + " has not been read yet; Kafka may be down");
    }
  }
}
