package io.fraudpipeline.bench.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.RuleSetValidator;
import org.junit.jupiter.api.Test;

class BenchRuleSetsTest {

  /** The job ignores a rule set the validator refuses: the scenario would measure no rules. */
  @Test
  void theBenchmarksRuleSetsAreValid() {
    assertThat(RuleSetValidator.forWriting().validate(BenchRuleSets.withAggregates(1))).isEmpty();
    assertThat(RuleSetValidator.forWriting().validate(BenchRuleSets.withIdleAggregates(1)))
        .isEmpty();
    assertThat(BenchRuleSets.withAggregates(1).rules()).hasSize(BenchRuleSets.AGGREGATE_RULES);
  }
}
