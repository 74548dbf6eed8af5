package io.fraudpipeline.control.rules;

import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.VelocityRule;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The editable rule parameters, as PUT sends them whole and PATCH patches them. Version and stamps
 * are the server's: send the version you read in {@code If-Match}.
 *
 * @param amountThreshold a transaction whose amount is strictly greater raises an alert
 * @param categoryThresholds per {@code merchant_category} overrides of the amount threshold
 * @param velocity the per-account velocity rule; left out: disabled
 * @param rules named rules (thresholds and windowed aggregates, see docs/wire-contract.md); left
 *     out: none. A merge patch replaces the whole list.
 */
@Schema(
    name = "RuleSetBody",
    example =
        "{\"amount_threshold\": 3000, \"category_thresholds\": {\"gambling\": 500},"
            + " \"velocity\": {\"enabled\": true, \"max_transactions\": 5, \"window_seconds\": 60},"
            + " \"rules\": [{\"id\": \"many-merchants\", \"name\": \"Card paying many merchants\","
            + " \"state\": \"active\", \"kind\": \"aggregate\", \"group_by\": [\"account_id\"],"
            + " \"function\": \"count_distinct\", \"field\": \"merchant\", \"window\": \"PT10M\","
            + " \"operator\": \">=\", \"limit\": 5}]}")
record RuleSetBody(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "3000")
        BigDecimal amountThreshold,
    Map<String, BigDecimal> categoryThresholds,
    Velocity velocity,
    List<NamedRule> rules) {

  /**
   * @param enabled whether the rule applies; left out: false
   * @param maxTransactions more than this many transactions of one account raise an alert
   * @param windowSeconds within this many seconds of event time
   */
  record Velocity(Boolean enabled, Integer maxTransactions, Long windowSeconds) {

    VelocityRule toRule() {
      return new VelocityRule(
          enabled != null && enabled,
          maxTransactions == null ? VelocityRule.DEFAULT_MAX_TRANSACTIONS : maxTransactions,
          windowSeconds == null ? VelocityRule.DEFAULT_WINDOW_SECONDS : windowSeconds);
    }
  }

  RuleSet toRuleSet(long version, Instant updatedAt, String updatedBy) {
    return new RuleSet(
        version,
        amountThreshold,
        categoryThresholds,
        velocity == null ? VelocityRule.DISABLED : velocity.toRule(),
        updatedAt,
        updatedBy,
        rules);
  }
}
