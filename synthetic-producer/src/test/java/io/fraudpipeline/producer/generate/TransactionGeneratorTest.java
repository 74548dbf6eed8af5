package io.fraudpipeline.producer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransactionGeneratorTest {

  private static List<GeneratedRecord> generate(GeneratorSettings settings, int count) {
    TransactionGenerator generator = new TransactionGenerator(settings);
    List<GeneratedRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(generator.next());
    }
    return records;
  }

  private static Map<Label, Integer> countByLabel(GeneratorSettings settings, int count) {
    TransactionGenerator generator = new TransactionGenerator(settings);
    Map<Label, Integer> counts = new EnumMap<>(Label.class);
    for (int i = 0; i < count; i++) {
      counts.merge(generator.next().label(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void sameSeedAndSettingsGiveByteIdenticalRecords() {
    GeneratorSettings settings =
        GeneratorSettings.builder()
            .seed(42)
            .fraudRatio(0.05)
            .malformedRatio(0.05)
            .startTime(Instant.parse("2025-06-01T12:00:00Z"))
            .build();
    TransactionGenerator first = new TransactionGenerator(settings);
    TransactionGenerator second = new TransactionGenerator(settings);
    for (int i = 0; i < 50_000; i++) {
      GeneratedRecord a = first.next();
      GeneratedRecord b = second.next();
      assertThat(b.key()).isEqualTo(a.key());
      assertThat(b.value()).isEqualTo(a.value());
      assertThat(b.label()).isEqualTo(a.label());
    }
  }

  @Test
  void seed42GivesTheRecordsDocumentedInProducerMd() {
    GeneratorSettings settings =
        GeneratorSettings.builder()
            .seed(42)
            .startTime(Instant.parse("2025-04-01T09:00:00Z"))
            .build();

    List<GeneratedRecord> records = generate(settings, 2);

    assertThat(records.get(0).key()).isEqualTo("acct-0023403");
    assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"transaction_id\":\"tx-3cgx6gr5-0\",\"account_id\":\"acct-0023403\","
                + "\"amount\":103.17,\"currency\":\"GBP\",\"merchant\":\"Lucky Wave Boutique\","
                + "\"merchant_category\":\"fashion\",\"country\":\"GB\","
                + "\"timestamp\":\"2025-04-01T09:00:00Z\"}");
    assertThat(records.get(1).key()).isEqualTo("acct-0027173");
    assertThat(new String(records.get(1).value(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"transaction_id\":\"tx-3cgx6gr5-1\",\"account_id\":\"acct-0027173\","
                + "\"amount\":30.26,\"currency\":\"USD\",\"merchant\":\"Lucky Point Bistro\","
                + "\"merchant_category\":\"restaurants\",\"country\":\"US\","
                + "\"timestamp\":\"2025-04-01T09:00:00.001Z\"}");
  }

  @Test
  void anotherSeedOrStartTimeGivesOtherRecordsAndOtherTransactionIds() {
    GeneratorSettings base = GeneratorSettings.builder().seed(42).build();
    GeneratedRecord reference = new TransactionGenerator(base).next();
    GeneratorSettings otherSeed = GeneratorSettings.builder().seed(43).build();
    GeneratorSettings otherStart =
        GeneratorSettings.builder()
            .seed(42)
            .startTime(Instant.parse("2026-01-01T00:00:00Z"))
            .build();

    GeneratedRecord bySeed = new TransactionGenerator(otherSeed).next();
    GeneratedRecord byStart = new TransactionGenerator(otherStart).next();

    assertThat(bySeed.value()).isNotEqualTo(reference.value());
    assertThat(bySeed.transaction().transactionId())
        .isNotEqualTo(reference.transaction().transactionId());
    assertThat(byStart.transaction().transactionId())
        .isNotEqualTo(reference.transaction().transactionId());
  }

  @ParameterizedTest(name = "fraud {0}, velocity share {1}, malformed {2}, {3} records")
  @CsvSource({
    "0.02, 0.5, 0.0, 150000",
    "0.10, 0.8, 0.05, 100000",
    "0.20, 0.0, 0.10, 50000",
    "0.05, 1.0, 0.0, 100000"
  })
  void injectsFraudAndMalformedRecordsAtTheRequestedRatios(
      double fraudRatio, double velocityShare, double malformedRatio, int count) {
    GeneratorSettings settings =
        GeneratorSettings.builder()
            .seed(7)
            .fraudRatio(fraudRatio)
            .velocityShare(velocityShare)
            .malformedRatio(malformedRatio)
            .build();
    Map<Label, Integer> counts = countByLabel(settings, count);

    int high = counts.getOrDefault(Label.HIGH_AMOUNT, 0);
    int burst = counts.getOrDefault(Label.VELOCITY_BURST, 0);
    int malformed =
        counts.entrySet().stream()
            .filter(e -> e.getKey().isMalformed())
            .mapToInt(Map.Entry::getValue)
            .sum();
    assertThat((high + burst) / (double) count).isCloseTo(fraudRatio, within(fraudRatio * 0.1));
    assertThat(burst / (double) count)
        .isCloseTo(fraudRatio * velocityShare, within(fraudRatio * 0.15));
    assertThat(malformed / (double) count)
        .isCloseTo(malformedRatio, within(Math.max(malformedRatio * 0.1, 1e-9)));
  }

  @Test
  void producesEveryMalformedKindAndTheJobsParserRejectsEachOne() {
    GeneratorSettings settings =
        GeneratorSettings.builder().seed(3).fraudRatio(0.1).malformedRatio(0.3).build();
    Map<Label, String> reasonByKind = new EnumMap<>(Label.class);
    int accepted = 0;
    for (GeneratedRecord record : generate(settings, 20_000)) {
      ParseResult<Transaction> parsed = FraudJson.parseTransaction(record.value());
      if (record.label().isMalformed()) {
        assertThat(parsed)
            .as("%s record %s", record.label(), record.sequence())
            .isInstanceOf(ParseResult.Invalid.class);
        reasonByKind.putIfAbsent(record.label(), ((ParseResult.Invalid<?>) parsed).reason());
      } else {
        assertThat(parsed).isEqualTo(ParseResult.valid(record.transaction()));
        accepted++;
      }
    }
    assertThat(reasonByKind.keySet()).containsExactlyInAnyOrderElementsOf(Label.malformedKinds());
    assertThat(accepted).isGreaterThan(10_000);
    // Each kind is rejected for its own reason, not all for one accidental fault.
    assertThat(reasonByKind.get(Label.NOT_JSON)).startsWith("not valid JSON");
    assertThat(reasonByKind.get(Label.EMPTY)).isEqualTo("empty record");
    assertThat(reasonByKind.get(Label.NOT_AN_OBJECT)).contains("expected a JSON object");
    assertThat(reasonByKind.get(Label.WRONG_TYPES)).contains("'amount' has the wrong type");
    assertThat(reasonByKind.get(Label.MISSING_TRANSACTION_ID))
        .isEqualTo("missing required field 'transaction_id'");
    assertThat(reasonByKind.get(Label.BLANK_TRANSACTION_ID)).contains("blank");
    assertThat(reasonByKind.get(Label.MISSING_AMOUNT)).isEqualTo("missing required field 'amount'");
    assertThat(reasonByKind.get(Label.ZERO_AMOUNT)).startsWith("amount must be greater than 0");
    assertThat(reasonByKind.get(Label.NEGATIVE_AMOUNT))
        .startsWith("amount must be greater than 0, got -");
    assertThat(reasonByKind.get(Label.ABSURD_AMOUNT)).contains("absurdly large");
    assertThat(reasonByKind.get(Label.INVALID_UTF8)).startsWith("not valid UTF-8");
    assertThat(reasonByKind.get(Label.OVERSIZED)).contains("exceeds the limit");
  }

  @ParameterizedTest(name = "threshold {0}")
  @CsvSource({"5000", "250.50", "20"})
  void legitAmountsStayBelowTheThresholdAndHighAmountsGoAbove(String threshold) {
    BigDecimal limit = new BigDecimal(threshold);
    GeneratorSettings settings =
        GeneratorSettings.builder().seed(11).fraudRatio(0.2).amountThreshold(limit).build();
    for (GeneratedRecord record : generate(settings, 40_000)) {
      BigDecimal amount = record.transaction().amount();
      if (record.label() == Label.HIGH_AMOUNT) {
        assertThat(amount).isGreaterThan(limit).isLessThan(limit.multiply(BigDecimal.TEN));
      } else {
        assertThat(amount).isPositive().isLessThan(limit);
      }
    }
  }

  @Test
  void legitAmountsAreMostlySmallWithALongTail() {
    GeneratorSettings settings = GeneratorSettings.builder().seed(5).fraudRatio(0).build();
    List<Double> grocery = new ArrayList<>();
    for (GeneratedRecord record : generate(settings, 100_000)) {
      if (record.transaction().merchantCategory().equals("grocery")) {
        grocery.add(record.transaction().amount().doubleValue());
      }
    }
    grocery.sort(Double::compare);
    double median = grocery.get(grocery.size() / 2);
    double p99 = grocery.get((int) (grocery.size() * 0.99));
    double mean = grocery.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertThat(median).isCloseTo(42.0, within(4.0));
    assertThat(mean).isGreaterThan(median);
    assertThat(p99).isGreaterThan(3.5 * median);
  }

  @Test
  void eventTimeAdvancesWithTheEventRateFromTheStartTime() {
    Instant start = Instant.parse("2025-03-01T08:00:00Z");
    GeneratorSettings settings =
        GeneratorSettings.builder()
            .startTime(start)
            .eventsPerSecond(400)
            .fraudRatio(0.1)
            .accounts(10_000)
            .build();
    List<GeneratedRecord> records = generate(settings, 4_001);
    for (GeneratedRecord record : records) {
      long expectedMillis = record.sequence() * 1000 / 400;
      assertThat(record.transaction().timestamp()).isEqualTo(start.plusMillis(expectedMillis));
    }
    assertThat(records.get(4_000).transaction().timestamp()).isEqualTo(start.plusSeconds(10));
  }

  /**
   * Computes, independently of the generator, which transactions a sliding-window velocity rule
   * flags, and holds that against the labels: only burst records are flagged, every burst is.
   */
  @Test
  void onlyVelocityBurstsExceedTheVelocityLimit() {
    int max = 10;
    Duration window = Duration.ofSeconds(60);
    long eventsPerSecond = 2_000;
    int accounts = (int) GeneratorSettings.minimumAccounts(eventsPerSecond, max, window);
    GeneratorSettings settings =
        GeneratorSettings.builder()
            .seed(99)
            .eventsPerSecond(eventsPerSecond)
            .accounts(accounts)
            .fraudRatio(0.05)
            .malformedRatio(0.02)
            .velocityMaxTransactions(max)
            .velocityWindow(window)
            .build();

    Map<String, ArrayDeque<Long>> recentByAccount = new HashMap<>();
    Set<String> flaggedBurstAccounts = new HashSet<>();
    Set<String> burstAccounts = new HashSet<>();
    int flagged = 0;
    for (GeneratedRecord record : generate(settings, 150_000)) {
      if (record.label().isMalformed()) {
        continue;
      }
      long t = record.transaction().timestamp().toEpochMilli();
      ArrayDeque<Long> recent =
          recentByAccount.computeIfAbsent(record.key(), k -> new ArrayDeque<>());
      recent.addLast(t);
      // Inclusive at both ends: the strictest reading of "within the window".
      while (recent.peekFirst() < t - window.toMillis()) {
        recent.removeFirst();
      }
      if (record.label() == Label.VELOCITY_BURST) {
        burstAccounts.add(record.key());
      }
      if (recent.size() > max) {
        flagged++;
        assertThat(record.label())
            .as("record %s", record.sequence())
            .isEqualTo(Label.VELOCITY_BURST);
        flaggedBurstAccounts.add(record.key());
      }
    }
    assertThat(flagged).isGreaterThan(500);
    assertThat(flaggedBurstAccounts).isEqualTo(burstAccounts);
  }

  @Test
  void makesMerchantSpreesAndSplitPaymentsThatTripTheirRulesWhenAsked() {
    GeneratorSettings settings =
        GeneratorSettings.builder()
            .seed(11)
            .fraudRatio(0.1)
            .velocityShare(1.0)
            .patternShare(1.0)
            .build();
    int size = settings.burstSize();
    BigDecimal threshold = settings.amountThreshold();
    // A burst is a run of consecutive records of one account with one burst label.
    List<List<GeneratedRecord>> bursts = new ArrayList<>();
    List<GeneratedRecord> run = new ArrayList<>();
    for (GeneratedRecord record : generate(settings, 60_000)) {
      boolean pattern =
          record.label() == Label.MERCHANT_SPREE || record.label() == Label.SPLIT_PAYMENTS;
      boolean continues =
          !run.isEmpty()
              && run.get(0).label() == record.label()
              && run.get(0).key().equals(record.key())
              && run.size() < size;
      if (!continues && !run.isEmpty()) {
        bursts.add(run);
        run = new ArrayList<>();
      }
      if (pattern) {
        run.add(record);
      }
      assertThat(record.label()).isNotEqualTo(Label.VELOCITY_BURST);
    }
    Map<Label, Integer> burstsByLabel = new EnumMap<>(Label.class);
    for (List<GeneratedRecord> burst : bursts) {
      assertThat(burst).hasSize(size);
      Label label = burst.get(0).label();
      burstsByLabel.merge(label, 1, Integer::sum);
      List<Transaction> txs = burst.stream().map(GeneratedRecord::transaction).toList();
      Set<String> merchants = new HashSet<>();
      txs.forEach(tx -> merchants.add(tx.merchant()));
      if (label == Label.MERCHANT_SPREE) {
        assertThat(merchants).hasSize(size);
      } else {
        assertThat(merchants).hasSize(1);
        assertThat(txs).allSatisfy(tx -> assertThat(tx.amount()).isLessThan(threshold));
        BigDecimal sum =
            txs.stream().map(Transaction::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isGreaterThan(threshold);
      }
      long span =
          txs.get(size - 1).timestamp().toEpochMilli() - txs.get(0).timestamp().toEpochMilli();
      assertThat(span).isLessThan(settings.velocityWindow().toMillis());
    }
    assertThat(burstsByLabel.get(Label.MERCHANT_SPREE)).isGreaterThan(50);
    assertThat(burstsByLabel.get(Label.SPLIT_PAYMENTS)).isGreaterThan(50);
  }

  @Test
  void makesNoSpreeOrSplitPaymentsByDefault() {
    Map<Label, Integer> counts = countByLabel(GeneratorSettings.builder().seed(11).build(), 50_000);
    assertThat(counts).doesNotContainKeys(Label.MERCHANT_SPREE, Label.SPLIT_PAYMENTS);
    assertThat(counts.get(Label.VELOCITY_BURST)).isPositive();
  }

  @Test
  void rejectsSettingsWithAClearMessage() {
    assertThatThrownBy(() -> GeneratorSettings.builder().patternShare(-0.1).build())
        .hasMessage("pattern share must be between 0 and 1, got -0.1");
    assertThatThrownBy(() -> GeneratorSettings.builder().fraudRatio(1.5).build())
        .hasMessage("fraud ratio must be between 0 and 1, got 1.5");
    assertThatThrownBy(
            () -> GeneratorSettings.builder().fraudRatio(0.6).malformedRatio(0.5).build())
        .hasMessageStartingWith("fraud ratio plus malformed ratio must not exceed 1");
    assertThatThrownBy(() -> GeneratorSettings.builder().burstSize(10).build())
        .hasMessageStartingWith("burst size must be more than the velocity max transactions (10)");
    assertThatThrownBy(
            () -> GeneratorSettings.builder().eventsPerSecond(50_000).accounts(1000).build())
        .hasMessageStartingWith("at 50000 events/s, legit traffic needs at least 600100 accounts");
    assertThatThrownBy(() -> GeneratorSettings.builder().amountThreshold(BigDecimal.ZERO).build())
        .hasMessageStartingWith("amount threshold must be between 1 and");
  }
}
