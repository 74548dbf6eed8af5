package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.RuleSetValidator;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Named rules that are not (yet) part of the rule set, e.g. a backtest's candidates: read and
 * validated exactly as the {@code rules} member of {@code PUT /api/v1/rules} is, with the same
 * problem per field ({@code rules[0].window}, ...).
 */
public final class CandidateRules {

  private CandidateRules() {}

  /**
   * A rule set holding the candidates (the built-in rules at their defaults, which a backtest
   * ignores), each candidate made active: whatever state it has in the rule set, a backtest asks
   * what it would raise.
   *
   * @throws InvalidInputException naming each bad field
   */
  public static RuleSet read(JsonNode rules) {
    if (rules == null || rules.isNull() || rules.isMissingNode()) {
      throw new InvalidInputException(
          List.of(new FieldError("rules", "is required: one or more candidate rules")));
    }
    if (rules.isArray() && rules.isEmpty()) {
      throw new InvalidInputException(
          List.of(new FieldError("rules", "must hold at least one candidate rule")));
    }
    ObjectNode document = FraudJson.mapper().createObjectNode();
    document.put("amount_threshold", RuleSet.DEFAULT_AMOUNT_THRESHOLD);
    document.set("rules", rules);
    RuleSet candidates = RuleSetBodies.read(document).toRuleSet(0, null, null);
    List<FieldError> errors = RuleSetValidator.forWriting().validate(candidates);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    List<NamedRule> active =
        candidates.rules().stream()
            .map(
                r ->
                    new NamedRule(
                        r.id(),
                        r.name(),
                        "active",
                        r.kind(),
                        r.field(),
                        r.operator(),
                        r.limit(),
                        r.filter(),
                        r.groupBy(),
                        r.function(),
                        r.window()))
            .toList();
    return new RuleSet(
        0,
        candidates.amountThreshold(),
        candidates.categoryThresholds(),
        candidates.velocity(),
        null,
        null,
        active);
  }
}
