package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class GroupedTransactionSerializerTest {

  private static GroupedTransaction grouped(String keySpec, String values, String id) {
    Transaction tx =
        new Transaction(
            id, "acc-1", new BigDecimal("9.99"), "EUR", "m", "food", "FR", Instant.EPOCH);
    return new GroupedTransaction(keySpec, keySpec + "\0" + values, tx);
  }

  private static List<GroupedTransaction> roundTrip(
      GroupedTransactionSerializer serializer, GroupedTransaction... records) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (GroupedTransaction record : records) {
      serializer.serialize(record, out);
    }
    DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
    List<GroupedTransaction> read = new ArrayList<>();
    for (int i = 0; i < records.length; i++) {
      read.add(serializer.deserialize(in));
    }
    assertThat(in.available()).isZero();
    return read;
  }

  @Test
  void recordsOfOneKeySpecReadInARowShareOneKeySpecInstance() throws IOException {
    GroupedTransaction[] records = {
      grouped("account_id", "acc-1", "t1"),
      grouped("account_id", "acc-2", "t2"),
      grouped("merchant", "m", "t3"),
      grouped("merchant_category,country", "food\0FR", "t4"),
      grouped("merchant_category,country", "food\0DE", "t5"),
      // A spec that starts like the one before it but is longer.
      grouped("merchant_category,country,x", "food\0FR\0y", "t6"),
    };

    List<GroupedTransaction> read =
        roundTrip(GroupedTransactionSerializer.INSTANCE.duplicate(), records);

    assertThat(read).containsExactly(records);
    assertThat(read.get(1).keySpec()).isSameAs(read.get(0).keySpec());
    assertThat(read.get(4).keySpec()).isSameAs(read.get(3).keySpec());
    assertThat(read.get(5).keySpec()).isEqualTo("merchant_category,country,x");
  }

  @Test
  void aDuplicateIsAnEqualSerializerOfItsOwn() throws IOException {
    GroupedTransactionSerializer first = GroupedTransactionSerializer.INSTANCE.duplicate();
    GroupedTransactionSerializer second = first.duplicate();

    assertThat(second).isNotSameAs(first).isEqualTo(first);
    assertThat(second.snapshotConfiguration().restoreSerializer()).isEqualTo(first);
    String fromFirst = roundTrip(first, grouped("account_id", "a", "t1")).get(0).keySpec();
    String fromSecond = roundTrip(second, grouped("account_id", "a", "t1")).get(0).keySpec();
    assertThat(fromSecond).isEqualTo(fromFirst).isNotSameAs(fromFirst);
  }

  @Test
  void threadsReadingWithOneInstanceAtOnceEachReadTheirOwnRecords() throws Exception {
    // As the static instance in a state descriptor may be, by two subtasks restoring at once.
    GroupedTransactionSerializer shared = GroupedTransactionSerializer.INSTANCE;
    List<Callable<Void>> readers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String values = "account-" + t + "-" + "x".repeat(t * 40);
      readers.add(
          () -> {
            for (int i = 0; i < 2_000; i++) {
              GroupedTransaction record = grouped("account_id", values, "tx-" + i);
              assertThat(roundTrip(shared, record)).containsExactly(record);
            }
            return null;
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(readers.size());
    try {
      for (Future<Void> done : pool.invokeAll(readers)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRecordReadFromTheHopIsWrittenAgainByteForByteAndDecodesToItsTransaction()
      throws IOException {
    Transaction[] transactions = {
      new Transaction(
          "t1", "acc-1", new BigDecimal("9.99"), "EUR", "m", "food", "FR", Instant.EPOCH),
      // Not ASCII, absent fields, an amount beyond a long, a time before the epoch, none at all.
      new Transaction(
          "tä\uD800",
          null,
          new BigDecimal("123456789012345678901234567890.5"),
          null,
          "Café",
          null,
          "DE",
          Instant.ofEpochSecond(-2, 999_999_999)),
      new Transaction("t3", "acc-3", null, "EUR", null, "food", null, null),
    };
    GroupedTransactionSerializer serializer = GroupedTransactionSerializer.INSTANCE.duplicate();
    for (Transaction tx : transactions) {
      GroupedTransaction made = new GroupedTransaction("account_id", "account_id\0a", tx);
      DataOutputSerializer first = new DataOutputSerializer(64);
      serializer.serialize(made, first);

      GroupedTransaction read =
          serializer.deserialize(new DataInputDeserializer(first.getCopyOfBuffer()));
      DataOutputSerializer again = new DataOutputSerializer(64);
      serializer.serialize(read, again);

      assertThat(read.encodedOrNull()).as("%s", tx).isNotNull();
      assertThat(read.time()).as("%s", tx).isEqualTo(made.time());
      assertThat(again.getCopyOfBuffer()).as("%s", tx).isEqualTo(first.getCopyOfBuffer());
      assertThat(read.transaction()).isEqualTo(tx);
      assertThat(read).isEqualTo(made).hasSameHashCodeAs(made);
    }
    assertThat(new GroupedTransaction("account_id", "account_id\0a", transactions[1]).time())
        .isEqualTo(-1_001L);
  }

  @Test
  void theKeySpecOfAKeyIsTheKnownInstanceOnlyWhenItIsThatSpec() {
    String known = "account_id";

    assertThat(GroupedTransaction.keySpecOf("account_id\0acc-1", known)).isSameAs(known);
    assertThat(GroupedTransaction.keySpecOf("account_id_x\0acc-1", known))
        .isEqualTo("account_id_x");
    assertThat(GroupedTransaction.keySpecOf("account\0acc-1", known)).isEqualTo("account");
    assertThat(GroupedTransaction.keySpecOf("account_id", known)).isSameAs(known);
    assertThat(GroupedTransaction.keySpecOf("merchant\0m", null)).isEqualTo("merchant");
  }
}
