package io.fraudpipeline.control.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final Map<Integer, Long> EARLIEST = Map.of(0, 100L, 1, 100L);
  private static final Function<SavepointRecord, RestoreSafety> SAFETY =
      r -> RestoreSafety.of(r.transactionsOffsets(), EARLIEST);

  /** Savepoints taken every hour, newest first; each resumes from offset 200 (restorable). */
  private static List<SavepointRecord> hourly(int count) {
    List<SavepointRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(savepoint("sp-" + i, NOW.minus(Duration.ofHours(i)), Map.of(0, 200L, 1, 200L)));
    }
    return records;
  }

  private static SavepointRecord savepoint(String name, Instant at, Map<Integer, Long> offsets) {
    return new SavepointRecord(
        "file:/savepoints/" + name,
        "job",
        SavepointRecord.Kind.PERIODIC,
        at,
        1,
        "exactly-once",
        null,
        null,
        offsets);
  }

  private static List<String> dropped(List<RetentionPolicy.Drop> drops) {
    return drops.stream().map(d -> d.savepoint().path().substring(17)).toList();
  }

  @Test
  void dropsWhatIsBeyondTheCountButKeepsPinnedOnes() {
    RetentionPolicy policy =
        new RetentionPolicy(new SavepointProperties.Retention(3, Duration.ZERO));

    List<RetentionPolicy.Drop> drops =
        policy.select(hourly(6), SAFETY, Set.of("file:/savepoints/sp-4"), NOW);

    assertThat(dropped(drops)).containsExactly("sp-3", "sp-5");
    assertThat(drops.get(0).reason()).contains("max-count");
  }

  @Test
  void dropsWhatIsOlderThanTheMaxAge() {
    RetentionPolicy policy =
        new RetentionPolicy(new SavepointProperties.Retention(0, Duration.ofMinutes(150)));

    assertThat(dropped(policy.select(hourly(5), SAFETY, Set.of(), NOW)))
        .containsExactly("sp-3", "sp-4");
  }

  @Test
  void alwaysKeepsTheNewestRestorableOneEvenPastEveryLimit() {
    RetentionPolicy policy =
        new RetentionPolicy(new SavepointProperties.Retention(1, Duration.ofMinutes(1)));
    List<SavepointRecord> history = new ArrayList<>();
    // The two newest resume from offsets Kafka deleted; the third is the newest restorable one.
    history.add(savepoint("unsafe-new", NOW.minus(Duration.ofHours(1)), Map.of(0, 50L)));
    history.add(savepoint("unsafe-old", NOW.minus(Duration.ofHours(2)), Map.of(0, 99L)));
    history.add(savepoint("safe", NOW.minus(Duration.ofHours(3)), Map.of(0, 100L)));
    history.add(savepoint("safe-older", NOW.minus(Duration.ofHours(4)), Map.of(0, 150L)));

    assertThat(dropped(policy.select(history, SAFETY, Set.of(), NOW)))
        .containsExactly("unsafe-new", "unsafe-old", "safe-older");
  }

  @Test
  void countsAnUnknownRestorabilityAsRestorable() {
    RetentionPolicy policy =
        new RetentionPolicy(new SavepointProperties.Retention(1, Duration.ZERO));
    List<SavepointRecord> history = new ArrayList<>();
    history.add(savepoint("unsafe", NOW.minus(Duration.ofHours(1)), Map.of(0, 1L)));
    history.add(savepoint("unknown", NOW.minus(Duration.ofHours(2)), null));
    history.add(savepoint("safe", NOW.minus(Duration.ofHours(3)), Map.of(0, 100L)));

    // The newest is within the count; the unknown one is kept as the newest restorable.
    assertThat(dropped(policy.select(history, SAFETY, Set.of(), NOW))).containsExactly("safe");
  }

  @Test
  void keepsEverythingWithoutLimits() {
    RetentionPolicy policy =
        new RetentionPolicy(new SavepointProperties.Retention(0, Duration.ZERO));

    assertThat(policy.select(hourly(30), SAFETY, Set.of(), NOW)).isEmpty();
  }

  @Test
  void restoreSafetyCountsTheRecordsDeletedAfterTheOffsetsPerPartition() {
    RestoreSafety safety =
        RestoreSafety.of(Map.of(0, 40L, 1, 100L, 2, 7L), Map.of(0, 100L, 1, 100L));

    assertThat(safety.restorableWithoutLoss()).isFalse();
    assertThat(safety.recordsDeleted()).isEqualTo(60);
    assertThat(safety.recordsDeletedByPartition()).containsExactly(Map.entry(0, 60L));
    assertThat(RestoreSafety.of(null, EARLIEST).restorableWithoutLoss()).isNull();
    assertThat(RestoreSafety.of(Map.of(0, 100L), EARLIEST).restorableWithoutLoss()).isTrue();
  }

  @Test
  void restoreLatestSkipsNewerSavepointsWhoseRecordsWereDeletedAndNamesThem() {
    List<SavepointRecord> history = new ArrayList<>();
    // Newer but behind: e.g. taken after the group's offsets were reset for a replay.
    history.add(savepoint("behind", NOW.minus(Duration.ofHours(1)), Map.of(0, 60L)));
    history.add(savepoint("ahead", NOW.minus(Duration.ofHours(2)), Map.of(0, 120L)));

    SavepointCatalog.LatestChoice choice = SavepointCatalog.choose(history, SAFETY);
    SavepointCatalog.LatestChoice none = SavepointCatalog.choose(history.subList(0, 1), SAFETY);

    assertThat(choice.chosen().orElseThrow().path()).endsWith("/ahead");
    assertThat(choice.skipped())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.path()).endsWith("/behind");
              assertThat(s.recordsDeleted()).isEqualTo(40);
              assertThat(s.id()).isEqualTo(SavepointRecord.idOf(s.path()));
            });
    assertThat(none.chosen()).isEmpty();
    assertThat(none.skipped()).hasSize(1);
  }
}
