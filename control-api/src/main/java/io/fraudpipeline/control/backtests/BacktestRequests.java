package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.rules.CandidateRules;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.RuleSet;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads a backtest request body, reporting every problem at once: the candidate rules as the rule
 * set's own rules are checked, and the range ({@code from} before {@code to}, at most the maximum
 * span, not in the future). Whether Kafka still holds the range is checked by {@link Backtests}.
 */
final class BacktestRequests {

  private static final Set<String> FIELDS = Set.of("rules", "from", "to");

  private BacktestRequests() {}

  static BacktestRequest read(JsonNode body, Instant now, Duration maxSpan) {
    if (body == null || !body.isObject()) {
      throw new InvalidInputException(List.of(new FieldError("", "must be a JSON object")));
    }
    List<FieldError> errors = new ArrayList<>();
    for (String name : body.propertyNames()) {
      if (!FIELDS.contains(name)) {
        errors.add(new FieldError(name, "unknown field"));
      }
    }
    Instant from = instant(body, "from", errors);
    Instant to = instant(body, "to", errors);
    if (from != null && to != null) {
      if (!from.isBefore(to)) {
        errors.add(new FieldError("to", "must be after from"));
      } else if (Duration.between(from, to).compareTo(maxSpan) > 0) {
        errors.add(
            new FieldError(
                "to",
                "the range spans "
                    + Duration.between(from, to)
                    + ", more than the maximum "
                    + maxSpan
                    + " (fraud.backtests.max-span)"));
      }
      if (to.isAfter(now)) {
        errors.add(
            new FieldError(
                "to", "must not be in the future (now is " + now + "): nothing to read"));
      }
    }
    RuleSet candidates = null;
    try {
      candidates = CandidateRules.read(body.get("rules"));
    } catch (InvalidInputException e) {
      errors.addAll(e.errors());
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new BacktestRequest(candidates, from, to);
  }

  private static Instant instant(JsonNode body, String field, List<FieldError> errors) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      errors.add(new FieldError(field, "is required (an ISO-8601 instant)"));
      return null;
    }
    if (!value.isString()) {
      errors.add(new FieldError(field, "must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z"));
      return null;
    }
    try {
      return Instant.parse(value.asString());
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z"));
      return null;
    }
  }
}
