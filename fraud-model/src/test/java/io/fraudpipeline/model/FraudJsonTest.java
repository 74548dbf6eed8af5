package io.fraudpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

class FraudJsonTest {

  private static ParseResult<Transaction> parse(String json) {
    return FraudJson.parseTransaction(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Transaction valid(String json) {
    ParseResult<Transaction> result = parse(json);
    assertThat(result).isInstanceOf(ParseResult.Valid.class);
    return ((ParseResult.Valid<Transaction>) result).value();
  }

  private static String reason(ParseResult<?> result) {
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid<?>) result).reason();
  }

  @Test
  void readsTheSeedProducersSnakeCaseWithUserIdAsAccount() {
    Transaction tx =
        valid(
            "{\"transaction_id\":\"t-1\",\"user_id\":\"u-7\",\"amount\":1234.56,"
                + "\"merchant\":\"Acme\",\"merchant_category\":\"electronics\","
                + "\"timestamp\":\"2024-05-01T10:15:30.123456\",\"location\":\"Paris\"}");
    assertThat(tx.transactionId()).isEqualTo("t-1");
    assertThat(tx.accountId()).isEqualTo("u-7");
    assertThat(tx.amount()).isEqualByComparingTo("1234.56");
    assertThat(tx.merchantCategory()).isEqualTo("electronics");
    assertThat(tx.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:15:30.123456Z"));
  }

  @Test
  void readsEpochMillisAndOffsetTimestamps() {
    assertThat(
            valid("{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":1700000000123}")
                .timestamp())
        .isEqualTo(Instant.ofEpochMilli(1700000000123L));
    assertThat(
            valid(
                    "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":\"2024-01-01T01:00:00+01:00\"}")
                .timestamp())
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(valid("{\"transaction_id\":\"a\",\"amount\":1}").timestamp()).isNull();
  }

  @Test
  void writesSnakeCaseAndReadsItBackUnchanged() {
    Transaction tx =
        new Transaction(
            "t-9",
            "acc-1",
            new BigDecimal("5000.01"),
            "EUR",
            "Shop",
            "travel",
            "FR",
            Instant.parse("2025-01-02T03:04:05.006Z"));
    String json = new String(FraudJson.write(tx), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"transaction_id\":\"t-9\"")
        .contains("\"account_id\":\"acc-1\"")
        .contains("\"amount\":5000.01")
        .contains("\"merchant_category\":\"travel\"")
        .contains("\"timestamp\":\"2025-01-02T03:04:05.006Z\"");
    assertThat(valid(json)).isEqualTo(tx);
  }

  static Stream<Arguments> invalidTransactions() {
    return Stream.of(
        Arguments.of("not json", "hello", "not valid JSON"),
        Arguments.of("array", "[1,2]", "expected a JSON object"),
        Arguments.of("number", "42", "expected a JSON object"),
        Arguments.of("missing id", "{\"amount\": 10}", "missing required field 'transaction_id'"),
        Arguments.of(
            "blank id", "{\"transaction_id\": \" \", \"amount\": 10}", "'transaction_id' is blank"),
        Arguments.of(
            "numeric id",
            "{\"transaction_id\": 12, \"amount\": 10}",
            "field 'transaction_id' has the wrong type"),
        Arguments.of(
            "missing amount", "{\"transaction_id\": \"a\"}", "missing required field 'amount'"),
        Arguments.of(
            "amount as text",
            "{\"transaction_id\": \"a\", \"amount\": \"abc\"}",
            "field 'amount' has the wrong type: expected a number, got a string"),
        Arguments.of(
            "amount NaN string",
            "{\"transaction_id\": \"a\", \"amount\": \"NaN\"}",
            "field 'amount' has the wrong type"),
        Arguments.of(
            "amount NaN literal", "{\"transaction_id\": \"a\", \"amount\": NaN}", "not valid JSON"),
        Arguments.of(
            "amount zero",
            "{\"transaction_id\": \"a\", \"amount\": 0}",
            "amount must be greater than 0, got 0"),
        Arguments.of(
            "amount negative",
            "{\"transaction_id\": \"a\", \"amount\": -5.5}",
            "amount must be greater than 0, got -5.5"),
        Arguments.of(
            "amount huge", "{\"transaction_id\": \"a\", \"amount\": 1e30}", "is absurdly large"),
        Arguments.of(
            "amount object",
            "{\"transaction_id\": \"a\", \"amount\": {}}",
            "field 'amount' has the wrong type"),
        Arguments.of(
            "bad timestamp",
            "{\"transaction_id\": \"a\", \"amount\": 1, \"timestamp\": \"yesterday\"}",
            "field 'timestamp'"),
        Arguments.of(
            "timestamp beyond epoch millis",
            "{\"transaction_id\": \"a\", \"amount\": 1, \"timestamp\": \"+999999999-12-31T23:59:59Z\"}",
            "is outside 1970-01-01 .. 9999-12-31"),
        Arguments.of(
            "timestamp before 1970",
            "{\"transaction_id\": \"a\", \"amount\": 1, \"timestamp\": -1}",
            "is outside 1970-01-01 .. 9999-12-31"),
        Arguments.of(
            "trailing garbage", "{\"transaction_id\": \"a\", \"amount\": 1} x", "not valid JSON"),
        Arguments.of("null", "null", "expected a JSON object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTransactions")
  void rejectsInvalidTransactionsWithAReadableReason(String name, String json, String expected) {
    assertThat(reason(parse(json))).contains(expected);
  }

  @Test
  void rejectsEmptyOversizedAndInvalidUtf8Records() {
    assertThat(reason(FraudJson.parseTransaction(new byte[0]))).isEqualTo("empty record");
    byte[] huge = new byte[1024 * 1024];
    assertThat(reason(FraudJson.parseTransaction(huge)))
        .contains("exceeds the limit of 65536 bytes");
    byte[] badUtf8 = {
      '{',
      '"',
      't',
      'r',
      'a',
      'n',
      's',
      'a',
      'c',
      't',
      'i',
      'o',
      'n',
      '_',
      'i',
      'd',
      '"',
      ':',
      '"',
      (byte) 0xC3,
      (byte) 0x28,
      '"',
      '}'
    };
    assertThat(reason(FraudJson.parseTransaction(badUtf8))).startsWith("not valid UTF-8");
  }

  /** A body with a duration, read by a mapper configured like the API's. */
  record Run(Duration duration) {}

  @Test
  void aDurationGivenAsANumberIsRefused() {
    JsonMapper strict = FraudJson.strictScalars(JsonMapper.builder()).build();
    for (String number : List.of("10", "10.5", "-1")) {
      assertThatThrownBy(() -> strict.readValue("{\"duration\": " + number + "}", Run.class))
          .as(number)
          .isInstanceOfSatisfying(
              MismatchedInputException.class,
              e -> assertThat(e.getTargetType()).isEqualTo(Duration.class));
    }
    assertThatThrownBy(() -> strict.readValue("{\"duration\": \"10s\"}", Run.class))
        .isInstanceOfSatisfying(
            MismatchedInputException.class,
            e -> assertThat(e.getTargetType()).isEqualTo(Duration.class));
    assertThat(strict.readValue("{\"duration\": \"PT30S\"}", Run.class).duration())
        .isEqualTo(Duration.ofSeconds(30));
    // What the contract's own mapper writes it reads back: durations travel as text.
    String written = FraudJson.mapper().writeValueAsString(new Run(Duration.ofMinutes(10)));
    assertThat(written).isEqualTo("{\"duration\":\"PT10M\"}");
    assertThat(FraudJson.mapper().readValue(written, Run.class).duration())
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void ignoresUnknownFields() {
    assertThat(valid("{\"transaction_id\":\"a\",\"amount\":1,\"whatever\":{\"x\":[1]}}").amount())
        .isEqualByComparingTo("1");
  }

  @Test
  void ruleSetRoundTripsWithDefaultsFilledIn() {
    RuleSet rules =
        new RuleSet(
            3,
            new BigDecimal("3000"),
            Map.of("electronics", new BigDecimal("1500")),
            new VelocityRule(true, 5, 60),
            Instant.parse("2025-01-01T00:00:00Z"),
            "ops");
    byte[] json = FraudJson.write(rules);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"amount_threshold\":3000")
        .contains("\"category_thresholds\":{\"electronics\":1500}")
        .contains("\"max_transactions\":5");
    assertThat(FraudJson.parseRuleSet(json)).isEqualTo(ParseResult.valid(rules));

    ParseResult<RuleSet> minimal =
        FraudJson.parseRuleSet("{\"version\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(((ParseResult.Valid<RuleSet>) minimal).value().amountThreshold())
        .isEqualByComparingTo("5000");
  }

  @Test
  void rejectsRuleSetsThatCannotBeApplied() {
    assertThat(
            reason(
                FraudJson.parseRuleSet(
                    "{\"amount_threshold\":-1}".getBytes(StandardCharsets.UTF_8))))
        .contains("amount_threshold")
        .contains("greater than 0");
    assertThat(reason(FraudJson.parseRuleSet("oops".getBytes(StandardCharsets.UTF_8))))
        .startsWith("not valid JSON");
  }

  @Test
  void alertRoundTripsThroughTheCodec() {
    Transaction tx =
        new Transaction(
            "t-1",
            "acc",
            new BigDecimal("7000"),
            "USD",
            "m",
            "travel",
            "US",
            Instant.parse("2025-01-01T00:00:00Z"));
    FraudAlert alert =
        FraudAlert.amountAlertOrNull(tx, RuleSet.DEFAULT, Instant.parse("2025-01-01T00:00:01Z"));
    FraudAlert back = FraudJson.readAlert(FraudJson.write(alert));
    assertThat(back.alertId()).isEqualTo("t-1:amount_threshold");
    assertThat(back.rule()).isEqualTo(RuleId.AMOUNT_THRESHOLD);
    assertThat(back.transaction()).isEqualTo(tx);
    assertThat(back.threshold()).isEqualByComparingTo("5000");
    assertThat(back.eventTime()).isEqualTo(tx.timestamp());
    assertThat(back.reason()).isEqualTo("amount 7000 exceeds the threshold of 5000");
  }
}
