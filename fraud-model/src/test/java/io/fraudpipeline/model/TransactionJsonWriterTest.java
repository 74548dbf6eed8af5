package io.fraudpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FraudJson#write(Transaction)} must give exactly the bytes the databind writer gives for
 * the same transaction: the wire format did not change when the fast writer took over.
 */
class TransactionJsonWriterTest {

  /** Characters chosen to hit every escaping and UTF-8 branch. */
  private static final String ALPHABET =
      "abcXYZ019 -_.:@/?\"\\\u007f\u0000\u0001\u0008\t\n\u000b\f\r\u001f"
          + "\u00e9\u00df\u00a0\u07ff\u0800\u20ac\u2028\u2029\u4e2d\ufeff\uffff\ud83d\ude00";

  private static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private static byte[] databind(Transaction tx) {
    return FraudJson.mapper().writeValueAsBytes(tx);
  }

  private static void assertWrittenLikeDatabind(Transaction tx) {
    String expected;
    try {
      expected = new String(databind(tx), StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      expected = "threw " + e.getClass().getName();
    }
    String actual;
    try {
      actual = new String(FraudJson.write(tx), StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      actual = "threw " + e.getClass().getName();
    }
    assertThat(actual).as("written form of %s", tx).isEqualTo(expected);
  }

  @Test
  void writesTheSameBytesAsDatabindForManyRandomTransactions() {
    SplittableRandom random = new SplittableRandom(20_261_124L);
    for (int i = 0; i < 20_000; i++) {
      Transaction tx = randomTransaction(random);
      byte[] fast = TransactionJsonWriter.tryWrite(tx);
      assertThat(fast).as("fast path taken for %s", tx).isNotNull();
      assertThat(new String(fast, StandardCharsets.UTF_8))
          .as("written form of %s", tx)
          .isEqualTo(new String(databind(tx), StandardCharsets.UTF_8));
    }
  }

  @Test
  void writtenTransactionsReadBackEqual() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 2_000; i++) {
      Transaction tx = validTransaction(random);
      ParseResult<Transaction> back = FraudJson.parseTransaction(FraudJson.write(tx));
      assertThat(back).isEqualTo(ParseResult.valid(tx));
    }
  }

  static Stream<Transaction> edgeCases() {
    BigDecimal one = BigDecimal.ONE;
    Instant t = Instant.parse("2025-01-02T03:04:05Z");
    return Stream.of(
        new Transaction(null, null, null, null, null, null, null, null),
        new Transaction("t", null, null, null, null, null, null, null),
        new Transaction(null, null, one, null, null, null, null, null),
        new Transaction(null, null, null, null, null, null, null, t),
        new Transaction("", "", new BigDecimal("0.00"), "", "", "", "", t),
        new Transaction("t", "a", new BigDecimal("1E+3"), "EUR", "m", "c", "FR", t),
        new Transaction("t", "a", new BigDecimal("-12.500"), "EUR", "m", "c", "FR", t),
        new Transaction("t", "a", new BigDecimal("1E-9999"), null, null, null, null, null),
        new Transaction("t", "a", new BigDecimal("1E-10000"), null, null, null, null, null),
        new Transaction("t", "a", new BigDecimal("1E+10000"), null, null, null, null, null),
        new Transaction(
            "t",
            "a",
            new BigDecimal(BigInteger.TEN.pow(40).add(BigInteger.ONE), 3),
            null,
            null,
            null,
            null,
            null),
        new Transaction("lone \ud83d high", "a", one, null, null, null, null, t),
        new Transaction("lone \ude00 low", "a", one, null, null, null, null, t),
        new Transaction("ends high \ud83d", "a", one, null, null, null, null, t),
        new Transaction("t", "a", one, null, null, null, null, Instant.EPOCH),
        new Transaction("t", "a", one, null, null, null, null, Instant.ofEpochMilli(1)),
        new Transaction("t", "a", one, null, null, null, null, Instant.ofEpochSecond(0, 1_000)),
        new Transaction("t", "a", one, null, null, null, null, Instant.ofEpochSecond(0, 1)),
        new Transaction("t", "a", one, null, null, null, null, Instant.ofEpochSecond(-1, 5)),
        new Transaction("t", "a", one, null, null, null, null, MIN),
        new Transaction("t", "a", one, null, null, null, null, MAX),
        new Transaction("t", "a", one, null, null, null, null, MIN.minusNanos(1)),
        new Transaction("t", "a", one, null, null, null, null, MAX.plusNanos(1)),
        new Transaction("t", "a", one, null, null, null, null, Instant.MIN),
        new Transaction("t", "a", one, null, null, null, null, Instant.MAX),
        new Transaction(
            "t", "a", one, null, null, null, null, Instant.parse("2024-02-29T23:59:59.5Z")),
        new Transaction("x".repeat(5_000), "a", one, null, null, null, null, t));
  }

  @ParameterizedTest
  @MethodSource("edgeCases")
  void writesEdgeCasesLikeDatabind(Transaction tx) {
    assertWrittenLikeDatabind(tx);
  }

  @Test
  void consecutiveTimestampsAcrossMidnightGetTheirOwnDate() {
    Instant beforeMidnight = Instant.parse("2025-12-31T23:59:59.999Z");
    for (Instant t : new Instant[] {beforeMidnight, beforeMidnight.plusMillis(1), beforeMidnight}) {
      assertWrittenLikeDatabind(
          new Transaction("t", "a", BigDecimal.ONE, null, null, null, null, t));
    }
  }

  private static Transaction randomTransaction(SplittableRandom random) {
    return new Transaction(
        maybe(random, randomString(random)),
        maybe(random, randomString(random)),
        maybe(random, randomAmount(random)),
        maybe(random, randomString(random)),
        maybe(random, randomString(random)),
        maybe(random, randomString(random)),
        maybe(random, randomString(random)),
        maybe(random, randomInstant(random)));
  }

  private static Transaction validTransaction(SplittableRandom random) {
    return new Transaction(
        "tx-" + random.nextInt(1_000_000) + randomString(random),
        randomString(random),
        BigDecimal.valueOf(1 + random.nextLong(100_000_000), random.nextInt(3)),
        maybe(random, randomString(random)),
        maybe(random, randomString(random)),
        maybe(random, randomString(random)),
        maybe(random, randomString(random)),
        maybe(
            random,
            Instant.ofEpochSecond(random.nextLong(0, MAX.getEpochSecond()), randomNanos(random))));
  }

  private static <T> T maybe(SplittableRandom random, T value) {
    return random.nextInt(5) == 0 ? null : value;
  }

  private static String randomString(SplittableRandom random) {
    int length = random.nextInt(24);
    StringBuilder text = new StringBuilder(length * 2);
    for (int i = 0; i < length; i++) {
      int pick = random.nextInt(ALPHABET.length() + 20);
      if (pick >= ALPHABET.length()) {
        text.append((char) ('a' + random.nextInt(26)));
        continue;
      }
      char c = ALPHABET.charAt(pick);
      if (Character.isHighSurrogate(c)) {
        text.append(c).append(ALPHABET.charAt(pick + 1));
      } else if (!Character.isLowSurrogate(c)) {
        text.append(c);
      }
    }
    return text.toString();
  }

  private static BigDecimal randomAmount(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> BigDecimal.valueOf(random.nextLong(1, 100_000_000), 2);
      case 1 -> BigDecimal.valueOf(random.nextLong(), random.nextInt(-30, 30));
      case 2 -> new BigDecimal(new BigInteger(100, new java.util.Random(random.nextLong())), 5);
      default -> BigDecimal.valueOf(random.nextInt(1000));
    };
  }

  private static Instant randomInstant(SplittableRandom random) {
    return Instant.ofEpochSecond(
        random.nextLong(MIN.getEpochSecond(), MAX.getEpochSecond() + 1), randomNanos(random));
  }

  private static int randomNanos(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      default -> random.nextInt(1_000_000_000);
    };
  }
}
