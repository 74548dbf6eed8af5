package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.json.JsonBodies;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.FraudJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Reads request bodies into {@link RuleSetBody}, strictly: the wire contract's types (a threshold
 * is a JSON number, not a string), every unknown or server-owned field reported, each problem as a
 * field error of a 400 validation problem.
 */
final class RuleSetBodies {

  private static final Set<String> FIELDS =
      Set.of("amount_threshold", "category_thresholds", "velocity", "rules");
  private static final Set<String> NAMED_RULE_FIELDS =
      Set.of(
          "id",
          "name",
          "state",
          "kind",
          "field",
          "operator",
          "limit",
          "filter",
          "group_by",
          "function",
          "window");
  private static final Set<String> VELOCITY_FIELDS =
      Set.of("enabled", "max_transactions", "window_seconds");
  private static final ObjectReader READER =
      FraudJson.mapper()
          .readerFor(RuleSetBody.class)
          .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private RuleSetBodies() {}

  /** The rule parameters of a document, or a validation problem listing what is wrong. */
  static RuleSetBody read(JsonNode document) {
    if (!document.isObject()) {
      throw new InvalidInputException(List.of(new FieldError("", "must be a JSON object")));
    }
    List<FieldError> errors = new ArrayList<>();
    for (String name : document.propertyNames()) {
      if (RuleDocuments.SERVER_FIELDS.contains(name)) {
        errors.add(
            new FieldError(
                name,
                name.equals("version")
                    ? "is read-only: the server sets it (send the version you read in If-Match)"
                    : "is read-only: the server sets it"
                        + (name.equals("updated_by") ? " (name yourself in X-Updated-By)" : "")));
      } else if (!FIELDS.contains(name)) {
        errors.add(new FieldError(name, "unknown field"));
      }
    }
    JsonNode velocity = document.get("velocity");
    if (velocity != null && velocity.isObject()) {
      for (String name : velocity.propertyNames()) {
        if (!VELOCITY_FIELDS.contains(name)) {
          errors.add(new FieldError("velocity." + name, "unknown field"));
        }
      }
    }
    JsonNode categories = document.get("category_thresholds");
    if (categories != null && categories.isObject()) {
      for (Map.Entry<String, JsonNode> category : categories.properties()) {
        if (category.getValue().isNull()) {
          errors.add(new FieldError("category_thresholds." + category.getKey(), "is required"));
        }
      }
    }
    checkNamedRuleMembers(document.get("rules"), errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    RuleSetBody body;
    try {
      body = READER.treeToValue(document, RuleSetBody.class);
    } catch (JacksonException e) {
      throw new InvalidInputException(
          List.of(new FieldError(FraudJson.fieldPath(e), JsonBodies.expectation(e))));
    }
    if (body.amountThreshold() == null) {
      throw new InvalidInputException(List.of(new FieldError("amount_threshold", "is required")));
    }
    return body;
  }

  /** Unknown members of each named rule, which strict data binding would report one at a time. */
  private static void checkNamedRuleMembers(JsonNode rules, List<FieldError> errors) {
    if (rules == null || !rules.isArray()) {
      return;
    }
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      if (rule.isObject()) {
        for (String name : rule.propertyNames()) {
          if (!NAMED_RULE_FIELDS.contains(name)) {
            errors.add(new FieldError("rules[" + i + "]." + name, "unknown field"));
          }
        }
      } else if (!rule.isNull()) {
        errors.add(new FieldError("rules[" + i + "]", "must be a JSON object"));
      }
    }
  }
}
