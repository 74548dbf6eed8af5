package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompiledRulesTest {

  private static NamedRule count(String id, List<String> groupBy, String window) {
    return count(id, null, groupBy, window);
  }

  private static NamedRule count(
      String id, Map<String, String> filter, List<String> groupBy, String window) {
    return new NamedRule(
        id, null, null, "aggregate", null, ">=", BigDecimal.TEN, filter, groupBy, "count", window);
  }

  private static CompiledRules compile(NamedRule... rules) {
    return new CompiledRules(new RuleSet(1, null, null, null, null, null, List.of(rules)));
  }

  private static final Transaction TX =
      new Transaction("t1", "acc-1", BigDecimal.ONE, "EUR", "shop-9", "food", "FR", Instant.EPOCH);

  @Test
  void rulesPerCardShareOneKeyedHopWhateverElseTheyGroupBy() {
    CompiledRules compiled =
        compile(
            count("per-card", List.of("account_id"), "PT1M"),
            count("per-card-merchant", List.of("merchant", "account_id"), "PT1H"),
            count("per-card-category", List.of("account_id", "merchant_category"), "PT10M"),
            count("per-merchant", List.of("merchant"), "PT1M"),
            count("per-category-country", List.of("merchant_category", "country"), "PT1M"));

    assertThat(compiled.groupings(TX))
        .extracting(GroupedTransaction::key)
        .containsExactly(
            "account_id\0acc-1", "merchant\0shop-9", "merchant_category,country\0food\0FR");
    assertThat(compiled.aggregates("account_id"))
        .extracting(c -> c.rule().id())
        .containsExactly("per-card", "per-card-merchant", "per-card-category");
    assertThat(compiled.widestWindowMillis("account_id")).isEqualTo(3_600_000);
    assertThat(compiled.widestWindowMillis("merchant")).isEqualTo(60_000);
  }

  @Test
  void aRuleCountsHeldTransactionsEqualToTheJudgedOneInItsFilterAndItsGroupBeyondTheKey() {
    NamedRule rule =
        count("r", Map.of("merchant_category", "food"), List.of("account_id", "merchant"), "PT1M");
    CompiledRules.Compiled perCardMerchant = compile(rule).aggregates("account_id").get(0);
    Transaction noMerchant =
        new Transaction("t3", "acc-1", BigDecimal.ONE, "EUR", null, "food", "FR", Instant.EPOCH);

    assertThat(perCardMerchant.beyondKey()).containsExactly(TransactionField.MERCHANT);
    assertThat(perCardMerchant.sameAsJudged())
        .containsExactly(TransactionField.MERCHANT_CATEGORY, TransactionField.MERCHANT);
    assertThat(perCardMerchant.hasGroup(TX)).isTrue();
    assertThat(perCardMerchant.hasGroup(noMerchant)).isFalse();
  }

  @Test
  void aRuleMatchesATransactionEqualInEveryFieldOfItsFilter() {
    NamedRule rule =
        count(
            "r",
            Map.of("merchant_category", "food", "country", "FR"),
            List.of("account_id"),
            "PT1M");
    CompiledRules.Compiled compiled = compile(rule).aggregates("account_id").get(0);
    Transaction elsewhere =
        new Transaction(
            "t2", "acc-1", BigDecimal.ONE, "EUR", "shop-9", "food", "DE", Instant.EPOCH);
    Transaction noCountry =
        new Transaction(
            "t3", "acc-1", BigDecimal.ONE, "EUR", "shop-9", "food", null, Instant.EPOCH);
    Transaction noAccount =
        new Transaction("t4", null, BigDecimal.ONE, "EUR", "shop-9", "food", "FR", Instant.EPOCH);

    assertThat(compiled.matches(TX)).isTrue();
    assertThat(compiled.judges(TX)).isTrue();
    assertThat(compiled.matches(elsewhere)).isFalse();
    assertThat(compiled.matches(noCountry)).isFalse();
    assertThat(compiled.matches(noAccount)).isTrue();
    assertThat(compiled.judges(noAccount)).isFalse();
  }
}
