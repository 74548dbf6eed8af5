package io.fraudpipeline.control.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SavepointRecorderTest {

  private final List<SavepointRecord> history = new ArrayList<>();
  private final List<Map<Integer, Long>> advanced = new ArrayList<>();

  /** A recorder that cannot read a savepoint's state (Flink's file system is elsewhere). */
  private SavepointRecorder recorder(Supplier<Map<Integer, Long>> committed) {
    return recorder(committed, path -> Optional.empty());
  }

  private SavepointRecorder recorder(
      Supplier<Map<Integer, Long>> committed,
      Function<String, Optional<Map<Integer, Long>>> saved) {
    return new SavepointRecorder(
        history::add,
        committed,
        saved,
        offsets -> {
          advanced.add(offsets);
          return offsets;
        });
  }

  private static SavepointRecord taken(SavepointRecord.Kind kind) {
    return new SavepointRecord(
        "file:/savepoints/savepoint-1",
        "job-1",
        kind,
        Instant.EPOCH,
        2,
        "exactly-once",
        null,
        null);
  }

  /** Answers {@code answers} in turn, then the last one forever; counts the reads. */
  private static Supplier<Map<Integer, Long>> reads(
      AtomicInteger count, List<Map<Integer, Long>> answers) {
    Iterator<Map<Integer, Long>> next = answers.iterator();
    AtomicReference<Map<Integer, Long>> last = new AtomicReference<>(Map.of());
    return () -> {
      count.incrementAndGet();
      if (next.hasNext()) {
        last.set(next.next());
      }
      return last.get();
    };
  }

  @Test
  void offsetsOfAJobTheSavepointStoppedAreReadOnceWithoutWaitingForThemToSettle() {
    AtomicInteger count = new AtomicInteger();
    SavepointRecorder recorder = recorder(reads(count, List.of(Map.of(0, 10L, 1, 20L))));

    for (SavepointRecord.Kind kind :
        List.of(
            SavepointRecord.Kind.STOP,
            SavepointRecord.Kind.RESCALE,
            SavepointRecord.Kind.UPGRADE)) {
      SavepointRecord recorded = recorder.record(taken(kind));
      assertThat(recorded.transactionsOffsets()).isEqualTo(Map.of(0, 10L, 1, 20L));
    }

    assertThat(count).hasValue(3);
    assertThat(history).hasSize(3);
  }

  @Test
  void aStoppedJobWhoseGroupCommittedNothingIsRecordedWithOffsetsUnknown() {
    AtomicInteger count = new AtomicInteger();
    SavepointRecorder recorder = recorder(reads(count, List.of()));

    SavepointRecord recorded = recorder.record(taken(SavepointRecord.Kind.STOP));

    assertThat(recorded.transactionsOffsets()).isNull();
    assertThat(count).hasValue(1);
    assertThat(history).containsExactly(recorded);
  }

  @Test
  void offsetsOfAJobThatKeepsRunningAreTheOnesThatStoppedMoving() {
    AtomicInteger count = new AtomicInteger();
    // The savepoint's commit lands a moment after Flink reports the savepoint complete.
    SavepointRecorder recorder =
        recorder(reads(count, List.of(Map.of(0, 5L), Map.of(0, 5L), Map.of(0, 9L))));

    SavepointRecord recorded = recorder.record(taken(SavepointRecord.Kind.SAVEPOINT));

    assertThat(recorded.transactionsOffsets()).isEqualTo(Map.of(0, 9L));
    // Three reads to see the change, then one every 250 ms through the 1 s settling time.
    assertThat(count.get()).isGreaterThanOrEqualTo(7);
  }

  @Test
  void kafkaNotAnsweringLeavesTheOffsetsUnknownButTheSavepointRecorded() {
    SavepointRecorder recorder =
        recorder(
            () -> {
              throw new KafkaUnavailableException("broker down");
            });

    SavepointRecord recorded = recorder.record(taken(SavepointRecord.Kind.STOP));

    assertThat(recorded.transactionsOffsets()).isNull();
    assertThat(history).containsExactly(recorded);
  }

  @Test
  void aSavepointThatEndedItsJobTakesTheOffsetsOfItsOwnStateAndMovesTheGroupToThem() {
    AtomicInteger count = new AtomicInteger();
    // The group lags: the savepoint that ended the job was not committed to it.
    SavepointRecorder recorder =
        recorder(reads(count, List.of(Map.of(0, 3L))), path -> Optional.of(Map.of(0, 42L)));

    SavepointRecord recorded = recorder.record(taken(SavepointRecord.Kind.STOP));

    assertThat(recorded.transactionsOffsets()).isEqualTo(Map.of(0, 42L));
    assertThat(count).hasValue(0);
    assertThat(advanced).containsExactly(Map.of(0, 42L));
  }

  @Test
  void aSavepointOfARunningJobTakesTheOffsetsOfItsStateButLeavesTheGroupToTheJob() {
    AtomicInteger count = new AtomicInteger();
    SavepointRecorder recorder =
        recorder(reads(count, List.of(Map.of(0, 3L))), path -> Optional.of(Map.of(0, 42L)));

    SavepointRecord recorded = recorder.record(taken(SavepointRecord.Kind.SAVEPOINT));

    assertThat(recorded.transactionsOffsets()).isEqualTo(Map.of(0, 42L));
    assertThat(count).hasValue(0);
    assertThat(advanced).isEmpty();
  }

  @Test
  void aGroupKafkaWillNotMoveLeavesTheSavepointRecorded() {
    SavepointRecorder recorder =
        new SavepointRecorder(
            history::add,
            Map::of,
            path -> Optional.of(Map.of(0, 42L)),
            offsets -> {
              throw new KafkaUnavailableException("broker down");
            });

    SavepointRecord recorded = recorder.record(taken(SavepointRecord.Kind.STOP));

    assertThat(history).containsExactly(recorded);
    assertThat(recorded.transactionsOffsets()).isEqualTo(Map.of(0, 42L));
  }
}
