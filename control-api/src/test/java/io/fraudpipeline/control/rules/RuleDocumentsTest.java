package io.fraudpipeline.control.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.VelocityRule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleDocumentsTest {

  @Test
  void listsEveryChangedParameterByPathButNotTheServersStamps() {
    RuleSet before =
        new RuleSet(
            3,
            new BigDecimal("5000"),
            Map.of("gambling", new BigDecimal("500"), "travel", new BigDecimal("800")),
            VelocityRule.DISABLED,
            Instant.parse("2025-01-01T00:00:00Z"),
            "alice");
    RuleSet after =
        new RuleSet(
            4,
            new BigDecimal("5000.00"),
            Map.of("travel", new BigDecimal("900"), "crypto", new BigDecimal("100")),
            new VelocityRule(true, 10, 60),
            Instant.parse("2025-01-02T00:00:00Z"),
            "bob");

    assertThat(RuleDocuments.changes(before, after))
        .extracting(FieldChange::field)
        .containsExactly(
            "category_thresholds.crypto",
            "category_thresholds.gambling",
            "category_thresholds.travel",
            "velocity.enabled");
    FieldChange removed = RuleDocuments.changes(before, after).get(1);
    assertThat(removed.from().decimalValue()).isEqualByComparingTo("500");
    assertThat(removed.to()).isNull();
  }

  @Test
  void theEditableDocumentHasNoServerFields() {
    RuleSet rules = RuleSet.DEFAULT.nextVersion(Instant.EPOCH, "alice");

    assertThat(RuleDocuments.editable(rules).propertyNames())
        .containsExactlyInAnyOrder("amount_threshold", "category_thresholds", "velocity");
  }
}
