package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleFilterTest {

  @Test
  void anAmountFilterMatchesTheAmountByValueWhateverItsScale() {
    RuleFilter filter = RuleFilter.of(Map.of(TransactionField.AMOUNT, "250"));

    assertThat(filter.matches(paying("250.00", "shop"))).isTrue();
    assertThat(filter.matches(paying("250", "shop"))).isTrue();
    assertThat(filter.matches(paying("250.01", "shop"))).isFalse();
    assertThat(RuleFilter.of(Map.of(TransactionField.AMOUNT, "250.00")).matches(paying("250", "x")))
        .isTrue();
  }

  @Test
  void everyOtherFieldMatchesAsText() {
    RuleFilter filter =
        RuleFilter.of(Map.of(TransactionField.MERCHANT, "shop", TransactionField.AMOUNT, "10"));

    assertThat(filter.matches(paying("10.00", "shop"))).isTrue();
    assertThat(filter.matches(paying("10.00", "Shop"))).isFalse();
    assertThat(filter.matches(paying("11.00", "shop"))).isFalse();
  }

  private static Transaction paying(String amount, String merchant) {
    return new Transaction(
        "t", "acc", new BigDecimal(amount), "EUR", merchant, null, null, Instant.EPOCH);
  }
}
