package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.topics.OffsetsSample.PartitionSample;
import io.fraudpipeline.control.topics.OffsetsSample.TopicSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LagTrackerTest {

  private final LagTracker tracker =
      new LagTracker(
          "fraud-job",
          "transactions",
          new LagProperties(
              "fraud-job",
              Duration.ofSeconds(5),
              Duration.ofSeconds(5),
              Duration.ofSeconds(60),
              100,
              1000,
              Duration.ofSeconds(10)));

  @Test
  void prefersTheRecordCountOfAGapAndCountsRecordsRemovedByRetentionAsLostNotLag() {
    OffsetsObservation observation =
        tracker.update(
            sample(
                0,
                List.of(new PartitionSample(0, 0, 13, 13), new PartitionSample(1, 50, 80, 80)),
                Map.of(0, 12L, 1, 10L),
                Map.of(0, 0L)));

    ConsumerLag lag = observation.lag();
    assertThat(lag.partitions().get(0).lagRecords()).isZero(); // the gap was a commit marker
    assertThat(lag.partitions().get(0).lagSeconds()).isZero();
    assertThat(lag.partitions().get(1).lagRecords()).isEqualTo(30); // 80 - max(10, 50)
    assertThat(lag.lagRecords()).isEqualTo(30);
    assertThat(lag.partitions().get(1).recordsLost()).isEqualTo(40);
  }

  @Test
  void reportsRecordsDeletedBeforeTheGroupReadThemAsDataLossNotAsNoLag() {
    OffsetsObservation observation =
        tracker.update(
            sample(
                0,
                List.of(new PartitionSample(0, 0, 13, 13), new PartitionSample(1, 50, 80, 80)),
                Map.of(0, 13L, 1, 10L),
                Map.of()));

    ConsumerLag lag = observation.lag();
    PartitionLag lost = lag.partitions().get(1);
    assertThat(lost.status()).isEqualTo(LagStatus.DATA_LOSS);
    assertThat(lost.recordsLost()).isEqualTo(40); // 50 - 10: deleted, never read
    assertThat(lost.lagRecords()).isEqualTo(30); // 80 - 50: still there to read
    assertThat(lag.partitions().get(0).recordsLost()).isZero();
    assertThat(lag.status()).isEqualTo(LagStatus.DATA_LOSS);
    assertThat(lag.recordsLost()).isEqualTo(40);
    assertThat(lag.newlyLost()).containsExactly(Map.entry(1, 40L));
  }

  @Test
  void countsEachLostRecordOnceHoweverManySamplesSeeIt() {
    List<PartitionSample> deleted = List.of(new PartitionSample(0, 50, 80, 80));
    tracker.update(sample(0, deleted, Map.of(0, 10L), Map.of()));
    OffsetsObservation again = tracker.update(sample(5_000, deleted, Map.of(0, 10L), Map.of()));
    OffsetsObservation more =
        tracker.update(
            sample(10_000, List.of(new PartitionSample(0, 70, 90, 90)), Map.of(0, 10L), Map.of()));
    OffsetsObservation caughtUp =
        tracker.update(
            sample(15_000, List.of(new PartitionSample(0, 70, 90, 90)), Map.of(0, 90L), Map.of()));

    assertThat(again.lag().recordsLost()).isEqualTo(40);
    assertThat(again.lag().newlyLost()).isEmpty();
    assertThat(more.lag().recordsLost()).isEqualTo(60);
    assertThat(more.lag().newlyLost()).containsExactly(Map.entry(0, 20L));
    assertThat(caughtUp.lag().status()).isEqualTo(LagStatus.OK);
    assertThat(caughtUp.lag().recordsLost()).isZero();
    assertThat(caughtUp.lag().newlyLost()).isEmpty();
  }

  @Test
  void reportsAPartitionWithoutCommittedOffsetAsUnknownAndTheGroupByTheOthers() {
    OffsetsObservation observation =
        tracker.update(
            sample(
                0,
                List.of(new PartitionSample(0, 0, 10, 10), new PartitionSample(1, 0, 10, 10)),
                Map.of(0, 10L),
                Map.of()));

    assertThat(observation.lag().partitions().get(1).status()).isEqualTo(LagStatus.UNKNOWN);
    assertThat(observation.lag().partitions().get(1).lagRecords()).isNull();
    assertThat(observation.lag().status()).isEqualTo(LagStatus.OK);
  }

  @Test
  void computesRecordsPerSecondFromTheGrowthOfEndOffsets() {
    tracker.update(sample(0, List.of(new PartitionSample(0, 0, 100, 100)), Map.of(), Map.of()));
    OffsetsObservation later =
        tracker.update(
            sample(5_000, List.of(new PartitionSample(0, 0, 600, 600)), Map.of(), Map.of()));

    assertThat(later.topic("transactions").orElseThrow().recordsPerSecond()).isEqualTo(100.0);
    assertThat(later.topic("transactions").orElseThrow().records()).isEqualTo(600);
  }

  @Test
  void estimatesTheLagInSecondsFromWhenTheEndPassedTheCommittedOffset() {
    tracker.update(sample(0, List.of(new PartitionSample(0, 0, 0, 0)), Map.of(0, 0L), Map.of()));
    tracker.update(
        sample(10_000, List.of(new PartitionSample(0, 0, 5000, 5000)), Map.of(0, 0L), Map.of()));
    OffsetsObservation observation =
        tracker.update(
            sample(
                20_000,
                List.of(new PartitionSample(0, 0, 10000, 10000)),
                Map.of(0, 5000L),
                Map.of()));

    // Offset 5000 was the end at 10 s: 10 s old at 20 s.
    assertThat(observation.lag().partitions().get(0).lagSeconds()).isEqualTo(10.0);
    assertThat(observation.lag().lagRecords()).isEqualTo(5000);
  }

  @Test
  void takesTheAlertRateFromTheCountedAlertsNotFromTheAlertsTopicsOffsets() {
    OffsetsObservation first = tracker.update(alerts(0, 0, 0L));
    assertThat(first.alertsPerSecond()).isZero();

    // 16 offsets in 10 s, of which 9 committed alerts (the rest markers and aborted alerts).
    OffsetsObservation later = tracker.update(alerts(10_000, 16, 9L));

    assertThat(later.alertsPerSecond()).isEqualTo(0.9);
    assertThat(later.topic("alerts").orElseThrow().recordsPerSecond()).isEqualTo(1.6);
    assertThat(tracker.update(alerts(11_000, 0, null)).alertsPerSecond())
        .as("the alerts topic missing")
        .isNull();
  }

  private static OffsetsSample alerts(long atMillis, long lastStable, Long alertsCommitted) {
    return new OffsetsSample(
        Instant.ofEpochMilli(atMillis),
        List.of(
            new TopicSample(
                "alerts",
                alertsCommitted != null,
                alertsCommitted == null
                    ? List.of()
                    : List.of(new PartitionSample(0, 0, lastStable, lastStable)))),
        Map.of(),
        Map.of(),
        alertsCommitted);
  }

  private static OffsetsSample sample(
      long atMillis,
      List<PartitionSample> partitions,
      Map<Integer, Long> committed,
      Map<Integer, Long> counted) {
    return new OffsetsSample(
        Instant.ofEpochMilli(atMillis),
        List.of(new TopicSample("transactions", true, partitions)),
        committed,
        counted,
        null);
  }
}
