package io.fraudpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleSetTest {

  private static Transaction tx(String amount, String category) {
    return new Transaction("t", "acc", new BigDecimal(amount), null, null, category, null, null);
  }

  @Test
  void defaultRulesFlagOnlyAmountsStrictlyOver5000LikeTheSeed() {
    Instant now = Instant.now();
    assertThat(FraudAlert.amountAlertOrNull(tx("5000", null), RuleSet.DEFAULT, now)).isNull();
    assertThat(FraudAlert.amountAlertOrNull(tx("5000.01", null), RuleSet.DEFAULT, now)).isNotNull();
  }

  @Test
  void categoryThresholdOverridesTheGlobalOne() {
    RuleSet rules =
        new RuleSet(
            2, new BigDecimal("5000"), Map.of("gambling", new BigDecimal("100")), null, null, null);
    FraudAlert alert = FraudAlert.amountAlertOrNull(tx("150", "gambling"), rules, Instant.now());
    assertThat(alert.rule()).isEqualTo(RuleId.CATEGORY_THRESHOLD);
    assertThat(alert.rulesVersion()).isEqualTo(2);
    assertThat(alert.reason()).isEqualTo("amount 150 exceeds the gambling threshold of 100");
    assertThat(FraudAlert.amountAlertOrNull(tx("150", "grocery"), rules, Instant.now())).isNull();
  }

  @Test
  void validatorNamesEveryBadField() {
    RuleSet bad =
        new RuleSet(
            -1,
            BigDecimal.ZERO,
            Map.of("x", new BigDecimal("-2")),
            new VelocityRule(true, 0, 0),
            null,
            null);
    assertThat(RuleSetValidator.forWriting().validate(bad))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "version",
            "amount_threshold",
            "category_thresholds.x",
            "velocity.max_transactions",
            "velocity.window_seconds");
    assertThat(RuleSetValidator.forWriting().validate(RuleSet.DEFAULT)).isEmpty();
  }

  /** Bounds that keep a published rule set readable: no 400-digit numbers, no 3 MB records. */
  @Test
  void refusesNumbersNoReaderTakesBackAndOversizedCategoryMaps() {
    RuleSet tiny = new RuleSet(1, new BigDecimal("1e-400"), Map.of(), null, null, null);
    assertThat(RuleSetValidator.forWriting().validate(tiny))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("amount_threshold");
              assertThat(e.message()).isEqualTo("must have at most 6 decimal places");
            });
    // Trailing zeros are not decimal places; six are fine.
    RuleSet fine =
        new RuleSet(
            1,
            new BigDecimal("4999.500000000"),
            Map.of("gambling", new BigDecimal("0.000001")),
            null,
            null,
            null);
    assertThat(RuleSetValidator.forWriting().validate(fine)).isEmpty();

    Map<String, BigDecimal> many = new java.util.HashMap<>();
    for (int i = 0; i <= RuleSet.MAX_CATEGORY_THRESHOLDS; i++) {
      many.put("c" + i, BigDecimal.TEN);
    }
    many.put("x".repeat(RuleSet.MAX_CATEGORY_LENGTH + 1), BigDecimal.TEN);
    assertThat(
            RuleSetValidator.forWriting()
                .validate(new RuleSet(1, BigDecimal.TEN, many, null, null, null)))
        .extracting(FieldError::message)
        .containsExactlyInAnyOrder(
            "at most 1000 categories are allowed, got 1002",
            "category names must not be longer than 100 characters, got 101");
  }

  /**
   * A category name is counted in characters as a named rule's name is (code points: an emoji is
   * one, not two UTF-16 units).
   */
  @Test
  void aCategoryNameIsCountedInCharactersAsARuleNameIs() {
    String emoji = "\uD83D\uDE00";
    RuleSet hundred =
        new RuleSet(
            1,
            BigDecimal.TEN,
            Map.of(emoji.repeat(RuleSet.MAX_CATEGORY_LENGTH), BigDecimal.ONE),
            null,
            null,
            null);
    RuleSet overHundred =
        new RuleSet(
            1,
            BigDecimal.TEN,
            Map.of(emoji.repeat(RuleSet.MAX_CATEGORY_LENGTH + 1), BigDecimal.ONE),
            null,
            null,
            null);

    assertThat(RuleSetValidator.forWriting().validate(hundred)).isEmpty();
    assertThat(RuleSetValidator.forReading().validate(hundred)).isEmpty();
    assertThat(RuleSetValidator.forWriting().validate(overHundred))
        .containsExactly(
            new FieldError(
                "category_thresholds",
                "category names must not be longer than 100 characters, got 101"));
  }

  @Test
  void aCategoryNameWithAControlCharacterIsRefusedOnWritingButReadAsStored() {
    RuleSet withNul =
        new RuleSet(1, BigDecimal.TEN, Map.of("gam\u0000bling", BigDecimal.ONE), null, null, null);

    assertThat(RuleSetValidator.forWriting().validate(withNul))
        .containsExactly(
            new FieldError(
                "category_thresholds",
                "category names must not hold control characters, got U+0000 at character 4"));
    assertThat(RuleSetValidator.forReading().validate(withNul)).isEmpty();
  }

  @Test
  void nextVersionBumpsVersionAndStampsAuthor() {
    Instant at = Instant.parse("2025-06-01T00:00:00Z");
    RuleSet next = RuleSet.DEFAULT.nextVersion(at, "alice");
    assertThat(next.version()).isEqualTo(1);
    assertThat(next.updatedBy()).isEqualTo("alice");
    assertThat(next.amountThreshold()).isEqualByComparingTo("5000");
  }
}
