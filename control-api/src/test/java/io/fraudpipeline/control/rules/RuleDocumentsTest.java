package io.fraudpipeline.control.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.VelocityRule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
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
  void namesAChangedNamedRuleByItsIdAndField() {
    NamedRule many =
        new NamedRule(
            "many-merchants",
            null,
            null,
            "aggregate",
            "merchant",
            ">=",
            new BigDecimal("5"),
            null,
            List.of("account_id"),
            "count_distinct",
            "PT10M");
    NamedRule looser =
        new NamedRule(
            "many-merchants",
            null,
            "shadow",
            "aggregate",
            "merchant",
            ">=",
            new BigDecimal("8"),
            null,
            List.of("account_id"),
            "count_distinct",
            "PT10M");
    NamedRule big =
        new NamedRule(
            "big",
            null,
            null,
            "threshold",
            "amount",
            ">",
            new BigDecimal("500"),
            null,
            null,
            null,
            null);
    RuleSet before = new RuleSet(1, null, null, null, null, null, List.of(many, big));
    RuleSet after = new RuleSet(2, null, null, null, null, null, List.of(looser));

    assertThat(RuleDocuments.changes(before, after))
        .extracting(FieldChange::field)
        .containsExactly(
            "rules.big.field",
            "rules.big.id",
            "rules.big.kind",
            "rules.big.limit",
            "rules.big.operator",
            "rules.many-merchants.limit",
            "rules.many-merchants.state");
  }

  @Test
  void theEditableDocumentHasNoServerFields() {
    RuleSet rules = RuleSet.DEFAULT.nextVersion(Instant.EPOCH, "alice");

    assertThat(RuleDocuments.editable(rules).propertyNames())
        .containsExactlyInAnyOrder("amount_threshold", "category_thresholds", "velocity");
  }
}
