package io.fraudpipeline.job.rules;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.VelocityRule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** Rule sets for tests, as the JSON the rules topic carries. */
public final class RuleSets {

  private RuleSets() {}

  public static RuleSet threshold(long version, String threshold) {
    return new RuleSet(
        version,
        new BigDecimal(threshold),
        Map.of(),
        VelocityRule.DISABLED,
        Instant.parse("2025-01-01T00:00:00Z"),
        "test");
  }

  public static RuleSet velocity(long version, int maxTransactions, long windowSeconds) {
    return new RuleSet(
        version,
        RuleSet.DEFAULT_AMOUNT_THRESHOLD,
        Map.of(),
        new VelocityRule(true, maxTransactions, windowSeconds),
        Instant.parse("2025-01-01T00:00:00Z"),
        "test");
  }

  public static byte[] json(RuleSet rules) {
    return FraudJson.write(rules);
  }
}
