package io.fraudpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionReaderTest {

  private static final TransactionReader READER =
      new TransactionReader(FraudJson.mapper().tokenStreamFactory());

  @Test
  void readsGeneratedTransactionsExactlyAsDataBindingDoes() {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      Transaction tx =
          new Transaction(
              "tx-" + i,
              random.nextInt(4) == 0 ? null : "acc-" + random.nextInt(1000),
              BigDecimal.valueOf(random.nextLong(1, 100_000_000), random.nextInt(4)),
              random.nextBoolean() ? "EUR" : null,
              "Merchant \u00e9 \"" + i + "\"",
              random.nextBoolean() ? "electronics" : null,
              "FR",
              random.nextInt(5) == 0
                  ? null
                  : Instant.ofEpochSecond(
                      random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000_000)));
      byte[] json = FraudJson.write(tx);
      Transaction fast = READER.readOrNull(json);
      assertThat(fast).isEqualTo(FraudJson.readTransactionWithDataBinding(json)).isEqualTo(tx);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"transaction_id\":\"t-1\",\"user_id\":\"u-7\",\"amount\":1234.56,\"merchant\":\"Acme\","
            + "\"merchant_category\":\"electronics\",\"timestamp\":\"2024-05-01T10:15:30.123456\","
            + "\"location\":\"Paris\"}",
        "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":1700000000123}",
        "{\"transaction_id\":\"a\",\"amount\":100,\"timestamp\":\"2024-01-01T01:00:00+01:00\"}",
        "{\"transaction_id\":\"a\",\"amount\":1e3,\"timestamp\":\" 2024-01-01T01:00:00Z \"}",
        "{\"transaction_id\":\"a\",\"amount\":5000.00,\"timestamp\":\"2024-01-01t01:00:00.5z\"}",
        "{\"transaction_id\":\"a\",\"amount\":-2,\"timestamp\":\"1969-12-31T23:59:59Z\"}",
        "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":\"2016-12-31T23:59:60Z\"}",
        "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":\"+999999999-12-31T23:59:59Z\"}",
        "{\"transaction_id\":null,\"account_id\":null,\"amount\":null,\"timestamp\":null}",
        "{\"x\":{\"y\":[1,{\"amount\":\"no\"}]},\"transaction_id\":\"a\",\"amount\":0.000001}",
        " { \"amount\" : 7 , \"transaction_id\" : \"b\" } ",
      })
  void agreesWithDataBindingOnEveryValidShape(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Transaction fast = READER.readOrNull(bytes);
    assertThat(fast).isNotNull().isEqualTo(FraudJson.readTransactionWithDataBinding(bytes));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "[1]",
        "42",
        "hello",
        "{\"transaction_id\":12,\"amount\":1}",
        "{\"transaction_id\":\"a\",\"amount\":\"12\"}",
        "{\"transaction_id\":\"a\",\"amount\":{}}",
        "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":\"yesterday\"}",
        "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":1.5}",
        "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":99999999999999999999}",
        "{\"transaction_id\":\"a\",\"amount\":1,\"timestamp\":\"2024-02-30T00:00:00Z\"}",
        "{\"transaction_id\":\"a\",\"amount\":1} x",
        "{\"transaction_id\":\"a\",\"amount\":1,\"amount\":2}",
        "{\"transaction_id\":\"a\",\"account_id\":\"x\",\"user_id\":\"y\",\"amount\":1}",
        "{\"transaction_id\":\"a\",\"amount\":1",
      })
  void leavesEverythingElseToDataBinding(String json) {
    assertThat(READER.readOrNull(json.getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void parsesTheCommonInstantFormExactlyAsInstantParse() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(0, 253_402_300_799L),
              switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
              });
      String text = instant.toString();
      assertThat(TransactionReader.parseUtcInstantOrNull(text)).as(text).isEqualTo(instant);
    }
    assertThat(TransactionReader.parseUtcInstantOrNull("2024-01-01T00:00:00.1234567890Z")).isNull();
    assertThat(TransactionReader.parseUtcInstantOrNull("2024-01-01T24:00:00Z")).isNull();
    assertThat(TransactionReader.parseUtcInstantOrNull("2024-01-01T00:00:00.Z")).isNull();
    assertThat(TransactionReader.parseUtcInstantOrNull("2024-01-01 00:00:00Z")).isNull();
  }
}
