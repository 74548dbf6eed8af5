package io.fraudpipeline.job.named;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class WaitingTransactionsTest {

  private static final Comparator<GroupedTransaction> JUDGING_ORDER =
      Comparator.comparing(GroupedTransaction::transaction, RuleWindows.JUDGING_ORDER);

  private static final List<String> KEY_SPECS = List.of("account_id", "merchant", "country");

  private static GroupedTransaction grouped(String keySpec, String id, long millis) {
    Transaction tx =
        new Transaction(
            id,
            "acc-1",
            BigDecimal.ONE,
            "EUR",
            "m1",
            "food",
            "FR",
            Instant.ofEpochMilli(Generated.START + millis));
    return new GroupedTransaction(keySpec, keySpec + "\0x", tx);
  }

  /** As {@code aggregate-rules} gets it from the hop: its transaction in the wire form. */
  private static GroupedTransaction readFromTheHop(GroupedTransaction grouped) {
    try {
      DataOutputSerializer out = new DataOutputSerializer(64);
      GroupedTransactionSerializer.INSTANCE.serialize(grouped, out);
      return GroupedTransactionSerializer.INSTANCE.deserialize(
          new DataInputDeserializer(out.getCopyOfBuffer()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Few distinct times and ids, so that times tie and a (time, id) pair repeats; some transactions
   * are fanned out to several key specs, as the job does, and so share their time and id. Half of
   * them as read from the hop, whose ids compare in their wire form, and some ids are not ASCII.
   */
  private static List<GroupedTransaction> randomInput(Random random, int count) {
    int times = 1 + random.nextInt(50);
    int ids = 1 + random.nextInt(100);
    List<GroupedTransaction> input = new ArrayList<>();
    while (input.size() < count) {
      String id = (random.nextInt(5) == 0 ? "tä" : "t") + random.nextInt(ids);
      boolean fromTheHop = random.nextBoolean();
      long millis = random.nextInt(times) * (random.nextBoolean() ? 1 : 1_000);
      int specs = random.nextInt(4) == 0 ? 1 + random.nextInt(KEY_SPECS.size()) : 1;
      for (int s = 0; s < specs && input.size() < count; s++) {
        GroupedTransaction grouped = grouped(KEY_SPECS.get(s), id, millis);
        input.add(fromTheHop ? readFromTheHop(grouped) : grouped);
      }
    }
    return input;
  }

  private static void add(WaitingTransactions waiting, GroupedTransaction grouped) {
    waiting.add(grouped.time(), grouped);
  }

  /** Time and id: equal ones may come out in any order, as they did from the PriorityQueue. */
  private static List<String> order(List<GroupedTransaction> polled) {
    return polled.stream()
        .map(g -> RuleWindows.time(g.transaction()) + "/" + g.transaction().transactionId())
        .toList();
  }

  @Test
  void pollsInJudgingOrderWhateverTheOrderOfArrival() {
    for (int seed = 0; seed < 500; seed++) {
      Random random = new Random(seed);
      List<GroupedTransaction> input = randomInput(random, random.nextInt(700));
      WaitingTransactions waiting = new WaitingTransactions();
      input.forEach(g -> add(waiting, g));

      List<GroupedTransaction> polled = new ArrayList<>();
      while (!waiting.isEmpty()) {
        long time = waiting.peekTime();
        GroupedTransaction next = waiting.poll();
        assertThat(RuleWindows.time(next.transaction())).as("seed %d", seed).isEqualTo(time);
        polled.add(next);
      }

      List<GroupedTransaction> expected = new ArrayList<>(input);
      expected.sort(JUDGING_ORDER);
      assertThat(order(polled)).as("seed %d", seed).isEqualTo(order(expected));
      assertThat(polled).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(input);
      assertThat(waiting.size()).isZero();
    }
  }

  @Test
  void agreesWithASortedReferenceWhenAddsAndPollsInterleave() {
    for (int seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      List<GroupedTransaction> input = randomInput(random, 400);
      WaitingTransactions waiting = new WaitingTransactions();
      List<GroupedTransaction> reference = new ArrayList<>();
      int next = 0;
      while (next < input.size() || !reference.isEmpty()) {
        if (next < input.size() && (reference.isEmpty() || random.nextInt(3) > 0)) {
          GroupedTransaction grouped = input.get(next++);
          add(waiting, grouped);
          reference.add(grouped);
          reference.sort(JUDGING_ORDER);
        } else {
          GroupedTransaction expected = reference.remove(0);
          assertThat(waiting.peekTime())
              .as("seed %d", seed)
              .isEqualTo(RuleWindows.time(expected.transaction()));
          assertThat(order(List.of(waiting.poll())))
              .as("seed %d", seed)
              .isEqualTo(order(List.of(expected)));
        }
        assertThat(waiting.size()).as("seed %d", seed).isEqualTo(reference.size());
      }
      assertThat(waiting.isEmpty()).isTrue();
    }
  }

  @Test
  void growsFarPastItsFirstCapacityAndKeepsTheOrder() {
    WaitingTransactions waiting = new WaitingTransactions();
    int count = 20_000;
    // Newest first: every add climbs to the root.
    for (int i = count - 1; i >= 0; i--) {
      add(waiting, grouped("account_id", String.format("t%05d", i), i / 3));
    }
    assertThat(waiting.size()).isEqualTo(count);
    for (int i = 0; i < count; i++) {
      assertThat(waiting.poll().transaction().transactionId()).isEqualTo(String.format("t%05d", i));
    }
    assertThat(waiting.isEmpty()).isTrue();
  }

  @Test
  void forEachVisitsExactlyTheTransactionsStillWaiting() {
    Random random = new Random(11);
    List<GroupedTransaction> input = randomInput(random, 300);
    WaitingTransactions waiting = new WaitingTransactions();
    input.forEach(g -> add(waiting, g));
    List<GroupedTransaction> remaining = new ArrayList<>(input);
    for (int i = 0; i < 120; i++) {
      GroupedTransaction polled = waiting.poll();
      assertThat(remaining.remove(polled)).isTrue();
    }

    List<GroupedTransaction> visited = new ArrayList<>();
    waiting.forEach(visited::add);

    assertThat(visited).hasSize(180).containsExactlyInAnyOrderElementsOf(remaining);
  }

  @Test
  void keepsNoReferenceToAPolledTransaction() {
    WaitingTransactions waiting = new WaitingTransactions();
    List<WeakReference<Transaction>> polled = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      add(waiting, grouped("account_id", "t" + i, i));
    }
    for (int i = 0; i < 10; i++) {
      polled.add(new WeakReference<>(waiting.poll().transaction()));
    }
    add(waiting, grouped("account_id", "still-waiting", 0));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              System.gc();
              return polled.stream().allMatch(ref -> ref.get() == null);
            });
    assertThat(waiting.size()).isEqualTo(1);
  }

  @Test
  void refusesToPeekOrPollWhenNothingWaits() {
    WaitingTransactions waiting = new WaitingTransactions();
    add(waiting, grouped("account_id", "t1", 0));
    waiting.poll();

    assertThatThrownBy(waiting::peekTime).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(waiting::poll).isInstanceOf(NoSuchElementException.class);
  }
}
