package io.fraudpipeline.control.alerts;

import io.fraudpipeline.control.topics.OffsetsPoller;
import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.NamedRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * A look at the alerts for curl users and analysts: the latest committed ones, or a live stream, of
 * the alerts people act on and of the shadow rules' alerts, optionally of one rule.
 */
@RestController
@RequestMapping(
    path = "/api/v1/alerts",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(
    name = "alerts",
    description = "The latest committed fraud alerts and shadow alerts, and live streams of them")
class AlertsController {

  /** The latest committed alerts, newest first. */
  record AlertsView(String topic, int count, List<AlertEntry> alerts) {}

  private static final String RULE_DESCRIPTION =
      "Only the alerts of this rule: a named rule's id (the alert's rule_id) or a built-in rule"
          + " (amount_threshold, category_threshold, velocity; named: every named rule's).";

  private final AlertsTail tail;
  private final OffsetsPoller offsets;
  private final AlertsProperties properties;

  AlertsController(AlertsTail tail, OffsetsPoller offsets, AlertsProperties properties) {
    this.tail = tail;
    this.offsets = offsets;
    this.properties = properties;
  }

  @GetMapping
  @Operation(
      summary = "The latest committed alerts",
      description =
          "Newest first (by record timestamp), each as on the wire with its partition and offset;"
              + " read with read_committed by the control plane's one alerts consumer, so"
              + " alerts of aborted or open transactions never show. limit is 1 to"
              + " fraud.alerts.max-limit (200).")
  @ApiResponse(responseCode = "200", description = "The alerts, newest first")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  AlertsView latest(
      @RequestParam(defaultValue = "20") long limit,
      @Parameter(description = RULE_DESCRIPTION) @RequestParam(required = false) String rule) {
    return peek(AlertFeed.ALERTS, limit, rule);
  }

  @GetMapping("/shadow")
  @Operation(
      summary = "The latest committed alerts of shadow rules",
      description =
          "What named rules in shadow state would raise, from fraud.topics.fraud-alerts-shadow;"
              + " otherwise as GET /api/v1/alerts.")
  @ApiResponse(responseCode = "200", description = "The shadow alerts, newest first")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  AlertsView latestShadow(
      @RequestParam(defaultValue = "20") long limit,
      @Parameter(description = RULE_DESCRIPTION) @RequestParam(required = false) String rule) {
    return peek(AlertFeed.SHADOW, limit, rule);
  }

  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      summary = "New committed alerts as server-sent events",
      description =
          "Event name 'alert', id '<partition>-<offset>', data the alert JSON; a comment every"
              + " heartbeat interval. At most fraud.alerts.max-subscribers streams, with the"
              + " shadow alerts' (429 beyond); all share one Kafka consumer. Try: curl -N"
              + " .../api/v1/alerts/stream")
  @ApiResponse(responseCode = "200", description = "The stream, until fraud.alerts.stream-timeout")
  @ApiResponse(
      responseCode = "429",
      description = "too-many-requests: every stream slot is taken; Retry-After says when to retry")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  SseEmitter stream(
      @Parameter(description = RULE_DESCRIPTION) @RequestParam(required = false) String rule) {
    return subscribe(AlertFeed.ALERTS, rule);
  }

  @GetMapping(path = "/shadow/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      summary = "New committed alerts of shadow rules as server-sent events",
      description = "As GET /api/v1/alerts/stream, for fraud.topics.fraud-alerts-shadow.")
  @ApiResponse(responseCode = "200", description = "The stream, until fraud.alerts.stream-timeout")
  @ApiResponse(
      responseCode = "429",
      description = "too-many-requests: every stream slot is taken; Retry-After says when to retry")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  SseEmitter streamShadow(
      @Parameter(description = RULE_DESCRIPTION) @RequestParam(required = false) String rule) {
    return subscribe(AlertFeed.SHADOW, rule);
  }

  /**
   * @param limit read as a long, so that a whole number beyond an int is told the allowed range
   *     here, not only that it is out of range
   */
  private AlertsView peek(AlertFeed feed, long limit, String rule) {
    List<FieldError> errors = new ArrayList<>();
    if (limit < 1 || limit > properties.maxLimit()) {
      errors.add(new FieldError("limit", "must be between 1 and " + properties.maxLimit()));
    }
    Predicate<AlertEntry> filter = ruleFilter(rule, errors);
    requireValid(errors);
    requireKafka();
    List<AlertEntry> alerts = tail.newest(feed, (int) limit, filter);
    return new AlertsView(tail.topic(feed), alerts.size(), alerts);
  }

  private SseEmitter subscribe(AlertFeed feed, String rule) {
    List<FieldError> errors = new ArrayList<>();
    Predicate<AlertEntry> filter = ruleFilter(rule, errors);
    requireValid(errors);
    requireKafka();
    return tail.streams()
        .subscribe(
            "new committed alerts of " + tail.topic(feed),
            item -> item.feed() == feed && filter.test(item.entry()));
  }

  /** The alerts {@code rule} asks for (all when absent); a problem goes to {@code errors}. */
  private static Predicate<AlertEntry> ruleFilter(String rule, List<FieldError> errors) {
    if (rule == null) {
      return entry -> true;
    }
    // Built-in rule names have the form of ids too: anything else could never match.
    if (!NamedRule.ID_PATTERN.matcher(rule).matches()) {
      errors.add(
          new FieldError(
              "rule",
              "must be a rule id (lower-case letters, digits, - and _, 1 to 64, a letter or digit"
                  + " first) or a built-in rule's name"));
      return entry -> false;
    }
    return entry -> is(entry.alert(), "rule_id", rule) || is(entry.alert(), "rule", rule);
  }

  private static boolean is(JsonNode alert, String field, String value) {
    JsonNode node = alert.get(field);
    return node != null && node.isString() && value.equals(node.stringValue());
  }

  private static void requireValid(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      FieldError first = errors.get(0);
      throw new ApiException(
          ProblemType.VALIDATION,
          "Invalid parameter '" + first.field() + "': " + first.message(),
          Map.of("errors", List.copyOf(errors)));
    }
  }

  private void requireKafka() {
    offsets.current().requireKafkaReachable();
  }
}
