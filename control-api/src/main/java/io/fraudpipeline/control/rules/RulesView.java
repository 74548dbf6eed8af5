package io.fraudpipeline.control.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.VelocityRule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The current rule set with what the running job applies.
 *
 * @param version the rule set's version, also its ETag ({@code "3"})
 * @param amountThreshold a transaction whose amount is strictly greater raises an alert
 * @param categoryThresholds per merchant category overrides
 * @param velocity the per-account velocity rule
 * @param updatedAt when this version was published (absent for the built-in defaults)
 * @param updatedBy who published it
 * @param rules the named rules (absent when there are none)
 * @param appliedVersion the version the running fraud job applies (its Flink metric); absent when
 *     no job runs or Flink cannot be asked
 * @param appliedAt when the control plane first saw the job apply {@code applied_version}
 * @param applied whether the job applies this version (or a later one)
 * @param jobId the Flink job that reported {@code applied_version}
 */
public record RulesView(
    long version,
    BigDecimal amountThreshold,
    Map<String, BigDecimal> categoryThresholds,
    VelocityRule velocity,
    Instant updatedAt,
    String updatedBy,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<NamedRule> rules,
    Long appliedVersion,
    Instant appliedAt,
    Boolean applied,
    String jobId) {

  static RulesView of(RulesState state) {
    RuleSet rules = state.rules();
    AppliedRules applied = state.applied().orElse(null);
    return new RulesView(
        rules.version(),
        rules.amountThreshold(),
        rules.categoryThresholds(),
        rules.velocity(),
        rules.updatedAt(),
        rules.updatedBy(),
        rules.rules(),
        applied == null ? null : applied.version(),
        applied == null ? null : applied.appliedSince(),
        applied == null ? null : applied.version() >= rules.version(),
        applied == null ? null : applied.jobId());
  }
}
