package io.fraudpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedRuleTest {

  /** The issue's example, verbatim: the contract. */
  static final String EXAMPLE =
      """
      {"version": 7, "rules": [
        {"id": "big-gambling", "name": "Large gambling payment", "state": "active", "kind": "threshold",
         "field": "amount", "operator": ">", "limit": 500, "filter": {"merchant_category": "gambling"}},
        {"id": "many-merchants", "name": "Card paying many merchants", "state": "active", "kind": "aggregate",
         "group_by": ["account_id"], "function": "count_distinct", "field": "merchant", "window": "PT10M",
         "operator": ">=", "limit": 5},
        {"id": "hourly-total", "state": "shadow", "kind": "aggregate", "group_by": ["account_id"],
         "function": "sum", "field": "amount", "window": "PT1H", "operator": ">", "limit": 10000}
      ]}
      """;

  private static RuleSet parse(String json) {
    ParseResult<RuleSet> result = FraudJson.parseRuleSet(json.getBytes(StandardCharsets.UTF_8));
    assertThat(result).isInstanceOf(ParseResult.Valid.class);
    return ((ParseResult.Valid<RuleSet>) result).value();
  }

  private static NamedRule aggregate(String id) {
    return new NamedRule(
        id,
        null,
        null,
        "aggregate",
        null,
        ">",
        BigDecimal.ONE,
        null,
        List.of("account_id"),
        "count",
        "PT1M");
  }

  private static NamedRule withWindow(String id, String window) {
    return new NamedRule(
        id,
        null,
        null,
        "aggregate",
        null,
        ">",
        BigDecimal.ONE,
        null,
        List.of("account_id"),
        "count",
        window);
  }

  private static List<FieldError> errorsOf(NamedRule... rules) {
    return RuleSetValidator.forWriting()
        .validate(new RuleSet(1, null, null, null, null, null, java.util.Arrays.asList(rules)));
  }

  @Test
  void readsTheIssuesExampleIntoTypedRules() {
    RuleSet rules = parse(EXAMPLE);
    assertThat(rules.amountThreshold()).isEqualByComparingTo("5000");
    assertThat(rules.rules())
        .extracting(NamedRule::id)
        .containsExactly("big-gambling", "many-merchants", "hourly-total");
    NamedRule big = rules.rules().get(0);
    assertThat(big.kindValue()).isEqualTo(RuleKind.THRESHOLD);
    assertThat(big.filterValue()).containsEntry(TransactionField.MERCHANT_CATEGORY, "gambling");
    NamedRule many = rules.rules().get(1);
    assertThat(many.functionValue()).isEqualTo(AggregateFunction.COUNT_DISTINCT);
    assertThat(many.fieldValue()).isEqualTo(TransactionField.MERCHANT);
    assertThat(many.windowValue()).isEqualTo(Duration.ofMinutes(10));
    assertThat(many.operatorValue()).isEqualTo(ComparisonOperator.GE);
    assertThat(many.groupByValue()).containsExactly(TransactionField.ACCOUNT_ID);
    assertThat(rules.rules().get(2).stateValue()).isEqualTo(RuleState.SHADOW);
  }

  @Test
  void writesNamedRulesBackAsTheyWereRead() {
    RuleSet rules = parse(EXAMPLE);
    assertThat(parse(new String(FraudJson.write(rules), StandardCharsets.UTF_8))).isEqualTo(rules);
  }

  @Test
  void aRuleSetWithoutNamedRulesIsWrittenAsBefore() {
    String json = new String(FraudJson.write(RuleSet.DEFAULT), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("rules");
  }

  @Test
  void namesEveryBadFieldOfEveryRule() {
    NamedRule threshold =
        new NamedRule(
            "Bad Id",
            "n",
            "sleeping",
            "threshold",
            "merchant",
            "=>",
            null,
            Map.of("colour", "red"),
            List.of("account_id"),
            null,
            null);
    NamedRule agg =
        new NamedRule(
            "agg",
            null,
            null,
            "aggregate",
            "merchant",
            ">",
            new BigDecimal("1e13"),
            null,
            List.of("account_id", "account_id", "shoe_size"),
            "sum",
            "P2D");
    NamedRule noKind =
        new NamedRule("x", null, null, null, null, ">", BigDecimal.ONE, null, null, null, null);
    NamedRule tinyLimit =
        new NamedRule(
            "tiny",
            null,
            null,
            "threshold",
            "amount",
            ">",
            new BigDecimal("1e-400"),
            null,
            null,
            null,
            null);
    assertThat(errorsOf(threshold, agg, noKind, tinyLimit))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "rules[0].id",
            "rules[0].state",
            "rules[0].operator",
            "rules[0].limit",
            "rules[0].filter.colour",
            "rules[0].field",
            "rules[0].group_by",
            "rules[1].limit",
            "rules[1].field",
            "rules[1].group_by[1]",
            "rules[1].group_by[2]",
            "rules[1].window",
            "rules[2].kind",
            "rules[3].limit");
  }

  @Test
  void saysWhyAWindowIsRefused() {
    NamedRule tooLong = withWindow("a", "PT25H");
    NamedRule notADuration = withWindow("b", "10 minutes");
    NamedRule tooShort = withWindow("c", "PT0.5S");
    assertThat(errorsOf(tooLong, notADuration, tooShort))
        .extracting(FieldError::message)
        .containsExactly(
            "is too long: at most PT24H (one day)",
            "must be an ISO-8601 duration such as PT10M or PT1H, got '10 minutes'",
            "must be at least PT1S");
  }

  @Test
  void aWindowGivenAsANumberIsRefusedAsADuration() {
    ParseResult<RuleSet> result =
        FraudJson.parseRuleSet(
            "{\"version\":2,\"rules\":[{\"id\":\"x\",\"kind\":\"aggregate\",\"function\":\"count\",\"group_by\":[\"account_id\"],\"window\":600,\"operator\":\">\",\"limit\":3}]}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(result)
        .isEqualTo(
            ParseResult.invalid(
                "field 'rules[0].window' has the wrong type: expected an ISO-8601 duration such"
                    + " as PT10M, got a number"));
  }

  private static NamedRule thresholdFiltered(String id, Map<String, String> filter) {
    return new NamedRule(
        id, null, null, "threshold", "amount", ">", BigDecimal.ONE, filter, null, null, null);
  }

  @Test
  void aFilterComparingTheAmountWithANonNumberIsRefused() {
    assertThat(
            errorsOf(
                thresholdFiltered("a", Map.of("amount", "abc")),
                thresholdFiltered("b", Map.of("amount", "1e3")),
                thresholdFiltered("c", Map.of("amount", "+5")),
                thresholdFiltered("d", Map.of("amount", "-5")),
                thresholdFiltered("e", Map.of("amount", "2000000000")),
                thresholdFiltered("f", Map.of("amount", "250.00", "merchant", "abc"))))
        .containsExactly(
            new FieldError(
                "rules[0].filter.amount",
                "must be a number, written as a string in plain notation (no exponent) such as"
                    + " \"250.00\", got 'abc'"),
            new FieldError(
                "rules[1].filter.amount",
                "must be a number, written as a string in plain notation (no exponent) such as"
                    + " \"250.00\", got '1e3'"),
            new FieldError(
                "rules[2].filter.amount",
                "must be a number, written as a string in plain notation (no exponent) such as"
                    + " \"250.00\", got '+5'"),
            new FieldError(
                "rules[3].filter.amount",
                "must be greater than 0 and at most 1000000000, as every transaction's amount is,"
                    + " got '-5'"),
            new FieldError(
                "rules[4].filter.amount",
                "must be greater than 0 and at most 1000000000, as every transaction's amount is,"
                    + " got '2000000000'"));
  }

  @Test
  void anAmountFilterTakesAnyPositiveNumberInPlainNotation() {
    // The job compares the amount by value (RuleFilter), so "250" and "0250" match 250.00.
    for (String accepted : List.of("250", "250.00", "0250", "0.5", "1000000000")) {
      assertThat(errorsOf(thresholdFiltered("a", Map.of("amount", accepted))))
          .as(accepted)
          .isEmpty();
    }
    for (String refused : List.of("1e3", ".5", "5.", "+5", "")) {
      assertThat(errorsOf(thresholdFiltered("a", Map.of("amount", refused))))
          .as(refused)
          .hasSize(1);
    }
  }

  @Test
  void refusesDuplicateIdsAndBuiltInIds() {
    assertThat(
            errorsOf(
                aggregate("a"),
                aggregate("b"),
                aggregate("a"),
                aggregate("velocity"),
                aggregate("named")))
        .containsExactly(
            new FieldError("rules[2].id", "duplicate id 'a' (also rules[0])"),
            new FieldError(
                "rules[3].id",
                "'velocity' is reserved: the alerts' rule field names the built-in rules and"
                    + " 'named'"),
            new FieldError(
                "rules[4].id",
                "'named' is reserved: the alerts' rule field names the built-in rules and"
                    + " 'named'"));
  }

  /** Probe 7, P7-2: `a-b` and `a_b` were one rule="a_b" series in Prometheus. */
  @Test
  void refusesIdsThatDifferOnlyByDashAndUnderscoreAsTheyWouldShareTheirMetrics() {
    assertThat(errorsOf(aggregate("p7-dup"), aggregate("p7_dup"), aggregate("p7-dup-x")))
        .containsExactly(
            new FieldError(
                "rules[1].id",
                "'p7_dup' differs from rules[0]'s id 'p7-dup' only by '-' and '_': the two rules"
                    + " would share their metrics (Prometheus writes '-' as '_')"));
  }

  /**
   * Probe 7: 150 emoji (150 characters, 300 UTF-16 units) were refused as over 200 characters, and
   * a name holding a NUL was accepted.
   */
  @Test
  void aNameIsCountedInCharactersAndHoldsNoControlCharacter() {
    String emoji = "\uD83D\uDE00";
    assertThat(errorsOf(named("smiles", emoji.repeat(200)))).isEmpty();
    assertThat(errorsOf(named("smiles", emoji.repeat(201))))
        .containsExactly(
            new FieldError("rules[0].name", "must not be longer than 200 characters, got 201"));
    assertThat(errorsOf(named("nul", "a\u0000b"), named("tab", "a\tb"), named("del", "a\u007fb")))
        .containsExactly(
            new FieldError(
                "rules[0].name", "must not hold control characters, got U+0000 at character 2"),
            new FieldError(
                "rules[1].name", "must not hold control characters, got U+0009 at character 2"),
            new FieldError(
                "rules[2].name", "must not hold control characters, got U+007F at character 2"));
  }

  private static NamedRule named(String id, String name) {
    return new NamedRule(
        id,
        name,
        null,
        "aggregate",
        null,
        ">",
        BigDecimal.ONE,
        null,
        List.of("account_id"),
        "count",
        "PT1M");
  }

  @Test
  void refusesMoreRulesThanTheLimit() {
    List<NamedRule> many = new ArrayList<>();
    for (int i = 0; i <= NamedRule.MAX_RULES; i++) {
      many.add(aggregate("r" + i));
    }
    assertThat(
            RuleSetValidator.forWriting()
                .validate(new RuleSet(1, null, null, null, null, null, many)))
        .containsExactly(new FieldError("rules", "at most 100 rules are allowed, got 101"));
  }

  @Test
  void anAggregateNeedsAFieldExceptForCountAndANumberForSum() {
    NamedRule countDistinctWithoutField =
        new NamedRule(
            "a",
            null,
            null,
            "aggregate",
            null,
            ">",
            BigDecimal.ONE,
            null,
            List.of("account_id"),
            "count_distinct",
            "PT1M");
    NamedRule count = aggregate("b");
    assertThat(errorsOf(countDistinctWithoutField, count))
        .containsExactly(new FieldError("rules[0].field", "is required by count_distinct"));
  }

  @Test
  void aComparisonEveryTransactionMeetsIsRefused() {
    assertThat(
            errorsOf(
                counting("a", "count", null, ">", "-5"),
                counting("b", "count", null, ">=", "1"),
                counting("c", "count", null, "!=", "2.5"),
                counting("d", "count_distinct", "merchant", ">=", "0"),
                counting("e", "sum", "amount", ">", "0"),
                new NamedRule(
                    "f",
                    null,
                    null,
                    "threshold",
                    "amount",
                    ">=",
                    BigDecimal.ZERO,
                    null,
                    null,
                    null,
                    null)))
        .extracting(FieldError::field)
        .containsExactly(
            "rules[0].limit",
            "rules[1].limit",
            "rules[2].limit",
            "rules[3].limit",
            "rules[4].limit",
            "rules[5].limit");
    assertThat(errorsOf(counting("a", "count", null, ">", "-5")).get(0).message())
        .isEqualTo(
            "> -5 holds for every transaction the rule takes (a count is always at least 1, a whole"
                + " number): it would alert on each one");
    // Each of these can miss: a second transaction in the window, a first merchant, any amount.
    assertThat(
            errorsOf(
                counting("a", "count", null, ">", "1"),
                counting("b", "count", null, ">=", "2"),
                counting("c", "count_distinct", "merchant", ">=", "1"),
                counting("d", "min", "amount", ">", "0.01"),
                counting("e", "count", null, "<", "2")))
        .isEmpty();
  }

  @Test
  void aComparisonNoTransactionMeetsIsRefused() {
    assertThat(
            errorsOf(
                counting("a", "count", null, "<", "1"),
                counting("b", "count", null, "<=", "0"),
                counting("c", "count", null, "==", "2.5"),
                counting("d", "count_distinct", "merchant", "<", "0"),
                counting("e", "sum", "amount", "<=", "0"),
                counting("f", "avg", "amount", "<", "0"),
                counting("g", "min", "amount", "==", "0"),
                counting("h", "max", "amount", ">", "1000000000"),
                threshold("i", "<=", "0"),
                threshold("j", ">", "1000000000"),
                // The amount and the transaction id are never missing: at least the judged one.
                counting("k", "count_distinct", "amount", "<", "1"),
                counting("l", "count_distinct", "transaction_id", "<=", "0.5"),
                // The window holds one account (its group), the filter one country.
                counting("m", "count_distinct", "account_id", ">", "1"),
                new NamedRule(
                    "n",
                    null,
                    null,
                    "aggregate",
                    "country",
                    ">=",
                    new BigDecimal("2"),
                    Map.of("country", "NL"),
                    List.of("account_id"),
                    "count_distinct",
                    "PT1M")))
        .extracting(FieldError::field)
        .containsExactly(
            "rules[0].limit",
            "rules[1].limit",
            "rules[2].limit",
            "rules[3].limit",
            "rules[4].limit",
            "rules[5].limit",
            "rules[6].limit",
            "rules[7].limit",
            "rules[8].limit",
            "rules[9].limit",
            "rules[10].limit",
            "rules[11].limit",
            "rules[12].limit",
            "rules[13].limit");
    assertThat(errorsOf(counting("a", "count", null, "<", "1")).get(0).message())
        .isEqualTo(
            "< 1 holds for no transaction the rule takes (a count is always at least 1, a whole"
                + " number): it would never alert");
    assertThat(errorsOf(counting("a", "sum", "amount", "<=", "0")).get(0).message())
        .isEqualTo(
            "<= 0 holds for no transaction the rule takes (a sum of amounts is always above 0):"
                + " it would never alert");
    assertThat(errorsOf(threshold("a", ">", "1000000000")).get(0).message())
        .isEqualTo(
            "> 1000000000 holds for no transaction the rule takes (an amount is always above 0"
                + " and at most 1000000000): it would never alert");
    assertThat(errorsOf(counting("a", "count_distinct", "account_id", ">", "1")).get(0).message())
        .isEqualTo(
            "> 1 holds for no transaction the rule takes (a distinct count of a field the rule"
                + " groups by or filters on is always 1): it would never alert");
    // Each of these can fire: a transaction without a merchant (a distinct count of 0), a
    // second transaction, a sum of many amounts, a small amount, another account's countries.
    assertThat(
            errorsOf(
                counting("a", "count_distinct", "merchant", "<", "1"),
                counting("b", "count_distinct", "merchant", "==", "0"),
                counting("c", "count", null, "<", "2"),
                counting("d", "sum", "amount", ">", "1000000000"),
                counting("e", "min", "amount", "<", "0.01"),
                threshold("f", "==", "999.99"),
                counting("g", "count_distinct", "country", "<=", "1"),
                counting("h", "max", "amount", ">=", "1000000000")))
        .isEmpty();
  }

  @Test
  void aDistinctCountThatCannotVaryIsRefusedWhenItWouldAlertOnEveryTransaction() {
    assertThat(
            errorsOf(
                counting("a", "count_distinct", "account_id", "==", "1"),
                counting("b", "count_distinct", "amount", ">=", "1"),
                threshold("c", "<=", "1000000000")))
        .extracting(FieldError::field)
        .containsExactly("rules[0].limit", "rules[1].limit", "rules[2].limit");
  }

  private static NamedRule threshold(String id, String operator, String limit) {
    return new NamedRule(
        id,
        null,
        null,
        "threshold",
        "amount",
        operator,
        new BigDecimal(limit),
        null,
        null,
        null,
        null);
  }

  @Test
  void aWindowIsKeptInItsNormalIsoForm() {
    RuleSet read =
        parse(
            "{\"version\":2,\"rules\":["
                + "{\"id\":\"a\",\"kind\":\"aggregate\",\"function\":\"count\","
                + "\"group_by\":[\"account_id\"],\"window\":\"pt1m\",\"operator\":\">\",\"limit\":3},"
                + "{\"id\":\"b\",\"kind\":\"aggregate\",\"function\":\"count\","
                + "\"group_by\":[\"account_id\"],\"window\":\"PT60S\",\"operator\":\">\",\"limit\":3},"
                + "{\"id\":\"c\",\"kind\":\"aggregate\",\"function\":\"count\","
                + "\"group_by\":[\"account_id\"],\"window\":\"P1D\",\"operator\":\">\",\"limit\":3}]}");
    assertThat(read.rules()).extracting(NamedRule::window).containsExactly("PT1M", "PT1M", "PT24H");
    assertThat(new String(FraudJson.write(read), StandardCharsets.UTF_8))
        .contains("\"window\":\"PT1M\"")
        .doesNotContain("pt1m", "PT60S", "P1D");
    // Written as the same rule, whatever the spelling: no change in the rules' history.
    assertThat(withWindow("a", "pt10m")).isEqualTo(withWindow("a", "PT10M"));
    // What is no duration is kept as sent, for the validator to quote.
    assertThat(errorsOf(withWindow("a", "ten minutes")))
        .extracting(FieldError::message)
        .containsExactly("must be an ISO-8601 duration such as PT10M or PT1H, got 'ten minutes'");
  }

  private static NamedRule counting(
      String id, String function, String field, String operator, String limit) {
    return new NamedRule(
        id,
        null,
        null,
        "aggregate",
        field,
        operator,
        new BigDecimal(limit),
        null,
        List.of("account_id"),
        function,
        "PT1M");
  }

  @Test
  void aCountTakesNoField() {
    NamedRule countOfAmounts =
        new NamedRule(
            "a",
            null,
            null,
            "aggregate",
            "amount",
            ">",
            BigDecimal.TEN,
            null,
            List.of("account_id"),
            "count",
            "PT1M");
    assertThat(errorsOf(countOfAmounts))
        .containsExactly(
            new FieldError(
                "rules[0].field",
                "count counts the group's transactions and takes no field (count_distinct counts a"
                    + " field's distinct values), got 'amount'"));
  }

  /**
   * A rule set an earlier release stored, holding rules the stricter checks of writing refuse: read
   * back, it is the rules in force (else the job and the API would silently keep an older version).
   */
  @Test
  void aStoredRuleOfNoUseIsReadButRefusedOnWriting() {
    String stored =
        """
        {"version": 4, "rules": [
          {"id": "never", "kind": "aggregate", "group_by": ["account_id"], "function": "count",
           "window": "PT1M", "operator": "<", "limit": 1},
          {"id": "always", "kind": "threshold", "field": "amount", "operator": ">", "limit": 0},
          {"id": "count-of-merchants", "kind": "aggregate", "group_by": ["account_id"],
           "function": "count", "field": "merchant", "window": "PT1M", "operator": ">", "limit": 3},
          {"id": "split-pay", "name": "Split\\tpayments", "kind": "threshold", "field": "amount",
           "operator": ">", "limit": 100},
          {"id": "split_pay", "kind": "threshold", "field": "amount", "operator": ">", "limit": 200}
        ]}
        """;
    RuleSet read = parse(stored);
    assertThat(read.version()).isEqualTo(4);
    assertThat(read.rules())
        .extracting(NamedRule::id)
        .containsExactly("never", "always", "count-of-merchants", "split-pay", "split_pay");

    assertThat(RuleSetValidator.forReading().validate(read)).isEmpty();
    assertThat(RuleSetValidator.forWriting().validate(read))
        .extracting(FieldError::field)
        .containsExactly(
            "rules[0].limit", "rules[1].limit", "rules[2].field", "rules[3].name", "rules[4].id");
  }

  @Test
  void readingStillRefusesTheSameIdTwiceBesideIdsThatDifferOnlyByDashAndUnderscore() {
    RuleSet stored =
        new RuleSet(
            1,
            null,
            null,
            null,
            null,
            null,
            List.of(aggregate("split-pay"), aggregate("split_pay"), aggregate("split_pay")));

    assertThat(RuleSetValidator.forReading().validate(stored))
        .containsExactly(new FieldError("rules[2].id", "duplicate id 'split_pay' (also rules[1])"));
  }

  /** What would make the job fail or misread a rule is refused on reading as on writing. */
  @Test
  void readingKeepsEveryCheckThatProtectsTheJob() {
    NamedRule longWindow = withWindow("w", "PT48H");
    NamedRule badFilter = thresholdFiltered("f", Map.of("amount", "abc"));
    NamedRule textThreshold =
        new NamedRule(
            "t", null, null, "threshold", "country", ">", BigDecimal.ONE, null, null, null, null);
    NamedRule reserved = aggregate("velocity");
    NamedRule noWindow = withWindow("n", null);
    List<FieldError> expected =
        List.of(
            new FieldError("rules[0].window", "is too long: at most PT24H (one day)"),
            new FieldError(
                "rules[1].filter.amount",
                "must be a number, written as a string in plain notation (no exponent) such as"
                    + " \"250.00\", got 'abc'"),
            new FieldError(
                "rules[2].field", "a threshold compares a number: amount, got 'country'"),
            new FieldError(
                "rules[3].id",
                "'velocity' is reserved: the alerts' rule field names the built-in rules and"
                    + " 'named'"),
            new FieldError("rules[4].window", "is required: an ISO-8601 duration such as PT10M"));
    RuleSet bad =
        new RuleSet(
            1,
            null,
            null,
            null,
            null,
            null,
            List.of(longWindow, badFilter, textThreshold, reserved, noWindow));
    assertThat(RuleSetValidator.forReading().validate(bad)).isEqualTo(expected);
    assertThat(RuleSetValidator.forWriting().validate(bad)).isEqualTo(expected);

    List<NamedRule> many = new ArrayList<>();
    for (int i = 0; i <= NamedRule.MAX_RULES; i++) {
      many.add(aggregate("r" + i));
    }
    assertThat(
            RuleSetValidator.forReading()
                .validate(new RuleSet(1, null, null, null, null, null, many)))
        .containsExactly(new FieldError("rules", "at most 100 rules are allowed, got 101"));
  }

  @Test
  void aNullRuleIsAProblemNotACrash() {
    assertThat(errorsOf((NamedRule) null))
        .containsExactly(new FieldError("rules[0]", "must be a rule object, got null"));
  }

  @Test
  void theJobIgnoresARuleSetWithAnInvalidNamedRule() {
    ParseResult<RuleSet> result =
        FraudJson.parseRuleSet(
            "{\"version\":2,\"rules\":[{\"id\":\"x\",\"kind\":\"aggregate\",\"function\":\"count\",\"group_by\":[\"account_id\"],\"window\":\"PT48H\",\"operator\":\">\",\"limit\":3}]}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(result)
        .isEqualTo(
            ParseResult.invalid("field 'rules[0].window' is too long: at most PT24H (one day)"));
  }

  @Test
  void anAlertOfANamedRuleCarriesItsIdNameGroupValueAndWindow() {
    RuleSet rules = parse(EXAMPLE);
    Transaction tx =
        new Transaction(
            "t-9",
            "acc-1",
            new BigDecimal("20"),
            null,
            "m5",
            null,
            null,
            Instant.parse("2025-01-01T00:00:00Z"));
    FraudAlert alert =
        FraudAlert.namedRuleAlert(
            tx,
            rules.rules().get(1),
            7,
            Map.of("account_id", "acc-1"),
            new BigDecimal(5),
            Instant.parse("2025-01-01T00:00:01Z"));
    FraudAlert read = FraudJson.readAlert(FraudJson.write(alert));
    assertThat(read).isEqualTo(alert);
    assertThat(read.alertId()).isEqualTo("t-9:many-merchants");
    assertThat(read.rule()).isEqualTo(RuleId.NAMED);
    assertThat(read.ruleName()).isEqualTo("Card paying many merchants");
    assertThat(read.window()).isEqualTo("PT10M");
    assertThat(read.shadow()).isFalse();
    assertThat(read.reason())
        .isEqualTo(
            "count_distinct(merchant) over PT10M for {account_id=acc-1} is 5, >= 5 (rule"
                + " many-merchants: Card paying many merchants)");
    String json = new String(FraudJson.write(alert), StandardCharsets.UTF_8);
    assertThat(json)
        .contains(
            "\"rule_id\":\"many-merchants\"",
            "\"rule_state\":\"active\"",
            "\"group_key\":{\"account_id\":\"acc-1\"}");
  }
}
