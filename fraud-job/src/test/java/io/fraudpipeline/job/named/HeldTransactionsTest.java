package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.serde.BoundaryAmounts;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class HeldTransactionsTest {

  private static Transaction tx(String id, long millis, String merchant, String country) {
    return new Transaction(
        id,
        "acc-1",
        new BigDecimal("12.50"),
        "EUR",
        merchant,
        "food",
        country,
        Instant.ofEpochMilli(millis));
  }

  private static List<String> ids(HeldTransactions held) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      ids.add(held.id(i));
    }
    return ids;
  }

  @Test
  void keepsJudgingOrderWhenALateTransactionComesInBetween() {
    HeldTransactions held = new HeldTransactions();
    held.insert(tx("b", 1_000, "m1", "FR"));
    held.insert(tx("d", 3_000, "m2", "FR"));
    held.insert(tx("c", 1_000, "m3", null));
    held.insert(tx("a", 1_000, "m1", "DE"));

    assertThat(ids(held)).containsExactly("a", "b", "c", "d");
    assertThat(held.text(TransactionField.MERCHANT, 2)).isEqualTo("m3");
    assertThat(held.text(TransactionField.COUNTRY, 2)).isNull();
    assertThat(held.text(TransactionField.COUNTRY, 0)).isEqualTo("DE");
    // By value, as TransactionField#text: 12.50 and 12.5 are one amount to a rule.
    assertThat(held.text(TransactionField.AMOUNT, 0)).isEqualTo("12.5");
    assertThat(held.text(TransactionField.ACCOUNT_ID, 3)).isEqualTo("acc-1");
  }

  @Test
  void giveEqualValuesOneCodeAndOnlyEvictsUpToTheCutoff() {
    HeldTransactions held = new HeldTransactions();
    int first = held.insert(tx("a", 1_000, "m1", "FR"));
    int second = held.insert(tx("b", 2_000, "m1", "DE"));
    int merchant = HeldTransactions.column(TransactionField.MERCHANT);
    int country = HeldTransactions.column(TransactionField.COUNTRY);

    assertThat(held.code(merchant, second)).isEqualTo(held.code(merchant, first));
    assertThat(held.code(country, second)).isNotEqualTo(held.code(country, first));
    assertThat(held.codeOf("m1")).isEqualTo(held.code(merchant, first));
    assertThat(held.codeOf("nowhere")).isEqualTo(HeldTransactions.UNKNOWN);

    held.evictUpTo(1_000);
    assertThat(ids(held)).containsExactly("b");
  }

  @Test
  void dropsValuesOnlyEvictedTransactionsHadWhileKeepingEveryHeldValue() {
    HeldTransactions held = new HeldTransactions();
    List<Transaction> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Transaction tx = tx("t" + (1000 + i), 1_000L * i, "m" + i, "c" + (i % 3));
      all.add(tx);
      held.insert(tx);
      held.evictUpTo(1_000L * i - 10_000);
    }

    assertThat(held.size()).isEqualTo(10);
    // 10 merchants, 3 countries, an account and a currency, and at most as many stale values.
    assertThat(held.dictionarySize()).isLessThanOrEqualTo(2 * (10 + 3 + 2) + 16);
    assertThat(held).isEqualTo(HeldTransactions.of(all.subList(490, 500)));
  }

  @Test
  void roundTripsThroughItsSnapshotForm() throws IOException {
    Random random = new Random(7);
    HeldTransactions held = new HeldTransactions();
    for (int i = 0; i < 300; i++) {
      held.insert(
          new Transaction(
              "t" + random.nextInt(1000),
              "acc-" + random.nextInt(3),
              i % 13 == 0 ? null : BigDecimal.valueOf(random.nextInt(100_000), 2),
              i % 11 == 0 ? null : "EUR",
              "Händler " + random.nextInt(200),
              "food",
              "FR",
              Instant.ofEpochMilli(random.nextInt(10_000))));
    }
    DataOutputSerializer out = new DataOutputSerializer(64);
    held.writeTo(out);

    HeldTransactions read =
        HeldTransactions.readFrom(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(read).isEqualTo(held);
    assertThat(read.size()).isEqualTo(300);
  }

  @Test
  void copiesShareTheirArraysYetNoChangeToOneReachesAnother() {
    List<Transaction> first =
        List.of(tx("a", 1_000, "m1", "FR"), tx("b", 2_000, "m2", "FR"), tx("c", 3_000, "m3", "DE"));
    HeldTransactions original = HeldTransactions.of(first);
    HeldTransactions snapshot = HeldTransactions.of(first);

    // As the heap backend does: the task goes on with the copy while a snapshot reads the original.
    HeldTransactions copy = original.copy();
    copy.insert(tx("d", 4_000, "m4", "FR"));
    copy.insert(tx("e", 5_000, "m5", "IT"));
    assertThat(original).isEqualTo(snapshot);
    // The copy's new values are in the shared index, but not the original's.
    assertThat(original.codeOf("m4")).isEqualTo(HeldTransactions.UNKNOWN);
    assertThat(copy.codeOf("m4")).isNotNegative();
    HeldTransactions second = copy.copy();
    second.insert(tx("f", 6_000, "m6", "ES"));
    // A late one, an eviction, an append to a frozen version: each clones before writing.
    second.insert(tx("bb", 2_000, "m7", "FR"));
    copy.insert(tx("g", 7_000, "m8", "PT"));
    original.evictUpTo(1_000);
    original.insert(tx("h", 8_000, "m9", "NL"));

    assertThat(ids(copy)).containsExactly("a", "b", "c", "d", "e", "g");
    assertThat(copy.text(TransactionField.COUNTRY, 5)).isEqualTo("PT");
    assertThat(ids(second)).containsExactly("a", "b", "bb", "c", "d", "e", "f");
    assertThat(second.text(TransactionField.MERCHANT, 2)).isEqualTo("m7");
    assertThat(second.text(TransactionField.COUNTRY, 6)).isEqualTo("ES");
    assertThat(ids(original)).containsExactly("b", "c", "h");
    assertThat(original.text(TransactionField.MERCHANT, 2)).isEqualTo("m9");
  }

  @Test
  void readsAheadWhatAKeyHoldsEvenWithoutAnyTextValueAndChangesNothing() {
    Transaction bare = new Transaction(null, null, null, null, null, null, null, Instant.EPOCH);
    assertThat(new HeldTransactions().readAhead(bare)).isZero();
    HeldTransactions held = HeldTransactions.of(List.of(bare));
    assertThat(held.dictionarySize()).isZero();
    held.readAhead(bare);
    held.readAhead(
        new Transaction("t", "a", BigDecimal.ONE, "EUR", "m", "food", "PT", Instant.EPOCH));
    assertThat(held).isEqualTo(HeldTransactions.of(List.of(bare)));
    assertThat(held.text(TransactionField.ACCOUNT_ID, 0)).isNull();
  }

  @Test
  void staysEqualToAPlainListThroughLateInsertsEvictionsCompactionsAndCopies() throws IOException {
    Random random = new Random(11);
    for (int round = 0; round < 20; round++) {
      HeldTransactions held = new HeldTransactions();
      List<Transaction> expected = new ArrayList<>();
      // Versions a snapshot would be writing, with what each held when it was taken.
      List<HeldTransactions> snapshots = new ArrayList<>();
      List<List<Transaction>> snapshotContents = new ArrayList<>();
      long clock = 0;
      for (int step = 0; step < 400; step++) {
        int op = random.nextInt(10);
        if (op < 6) {
          // Mostly in order, some late, many in the same millisecond (ties by id).
          long time = Math.max(0, clock - (random.nextInt(4) == 0 ? random.nextInt(3_000) : 0));
          clock += random.nextInt(3) * 500;
          Transaction tx =
              new Transaction(
                  "t" + random.nextInt(100_000) + (random.nextInt(20) == 0 ? "é" : ""),
                  "acc-1",
                  random.nextInt(15) == 0 ? null : BigDecimal.valueOf(random.nextInt(99_999), 2),
                  "EUR",
                  "m" + random.nextInt(step + 1),
                  "food",
                  random.nextInt(9) == 0 ? null : "c" + random.nextInt(4),
                  Instant.ofEpochMilli(time));
          int index = held.insert(tx);
          int at = expected.size();
          while (at > 0 && RuleWindows.JUDGING_ORDER.compare(expected.get(at - 1), tx) > 0) {
            at--;
          }
          expected.add(at, tx);
          assertThat(index).isEqualTo(at);
        } else if (op < 9) {
          long cutoff = clock - 1_000 * random.nextInt(20);
          held.evictUpTo(cutoff);
          expected.removeIf(tx -> RuleWindows.time(tx) <= cutoff);
        } else {
          snapshots.add(held);
          snapshotContents.add(List.copyOf(expected));
          held = held.copy();
        }
        assertThat(held).isEqualTo(HeldTransactions.of(expected));
        // Reads only, whatever shape the arrays are in (shared, evicted from, compacted), for a
        // transaction whose values the key holds or not.
        held.readAhead(
            new Transaction(
                "p",
                random.nextBoolean() ? "acc-1" : "acc-2",
                BigDecimal.ONE,
                "EUR",
                "m" + random.nextInt(step + 2),
                random.nextBoolean() ? "food" : null,
                "c" + random.nextInt(5),
                Instant.ofEpochMilli(clock)));
        assertThat(held).isEqualTo(HeldTransactions.of(expected));
      }
      DataOutputSerializer out = new DataOutputSerializer(64);
      held.writeTo(out);
      assertThat(HeldTransactions.readFrom(new DataInputDeserializer(out.getCopyOfBuffer())))
          .isEqualTo(held);
      for (int s = 0; s < snapshots.size(); s++) {
        DataOutputSerializer written = new DataOutputSerializer(64);
        snapshots.get(s).writeTo(written);
        assertThat(HeldTransactions.readFrom(new DataInputDeserializer(written.getCopyOfBuffer())))
            .isEqualTo(HeldTransactions.of(snapshotContents.get(s)));
      }
    }
  }

  @Test
  void anAmountHasUnitsOnlyWithAtMostFourDecimalsAndAnUnscaledValueWithin2To48() {
    int withUnits = 0;
    for (BigDecimal amount : BoundaryAmounts.all()) {
      // As defined: scale 0 to UNIT_SCALE and an unscaled value of at most 48 bits, in units of
      // 10^-UNIT_SCALE.
      BigInteger unscaled = amount.unscaledValue();
      long expected =
          amount.scale() < 0
                  || amount.scale() > HeldTransactions.UNIT_SCALE
                  || unscaled.bitLength() > 48
              ? HeldTransactions.NO_UNITS
              : amount.movePointRight(HeldTransactions.UNIT_SCALE).longValueExact();
      assertThat(HeldTransactions.unitsOf(amount)).as("%s", amount).isEqualTo(expected);
      if (expected != HeldTransactions.NO_UNITS) {
        withUnits++;
      }
    }
    assertThat(HeldTransactions.unitsOf(null)).isEqualTo(HeldTransactions.NO_UNITS);
    assertThat(withUnits).isGreaterThan(20);
  }
}
