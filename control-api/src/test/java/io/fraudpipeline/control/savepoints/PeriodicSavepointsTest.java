package io.fraudpipeline.control.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeriodicSavepointsTest {

  private static final String JOB = "0123456789abcdef0123456789abcdef";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
  private final TestingFlinkService flink = new TestingFlinkService(clock);
  private final RecordedEvents events = new RecordedEvents();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<SavepointRecord> history = new ArrayList<>();
  private boolean jobRuns = true;

  private final PeriodicSavepoints periodic =
      new PeriodicSavepoints(
          flink,
          () ->
              jobRuns
                  ? Optional.of(new RunningJob.RunningJobInfo(JOB, 2, "exactly-once", null))
                  : Optional.empty(),
          record -> {
            SavepointRecord withOffsets = record.withOffsets(Map.of(0, 5L));
            history.add(0, withOffsets);
            return withOffsets;
          },
          events,
          properties(Duration.ofMinutes(10)),
          registry,
          clock);

  private static SavepointProperties properties(Duration interval) {
    return new SavepointProperties(
        null,
        Duration.ofSeconds(30),
        interval,
        Duration.ofMinutes(5),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        new SavepointProperties.Retention(10, Duration.ofDays(7)));
  }

  @Test
  void takesOneAtOnceThenOnlyWhenTheIntervalHasPassedSinceTheNewestPeriodicOne() throws Exception {
    flink.startOutside(JOB, 2, clock.instant());

    Optional<SavepointRecord> first = periodic.takeIfDue(history);
    clock.advance(Duration.ofMinutes(9));
    Optional<SavepointRecord> early = periodic.takeIfDue(history);
    clock.advance(Duration.ofMinutes(1));
    Optional<SavepointRecord> second = periodic.takeIfDue(history);

    assertThat(first).isPresent();
    assertThat(first.get().kind()).isEqualTo(SavepointRecord.Kind.PERIODIC);
    assertThat(first.get().parallelism()).isEqualTo(2);
    assertThat(first.get().transactionsOffsets()).isEqualTo(Map.of(0, 5L));
    assertThat(early).isEmpty();
    assertThat(second).isPresent();
    assertThat(flink.savepointFiles()).hasSize(2);
    assertThat(registry.counter("fraud.savepoints.periodic", "outcome", "completed").count())
        .isEqualTo(2);
  }

  @Test
  void takesNoneWithoutARunningJobOrWhenOff() throws Exception {
    jobRuns = false;
    assertThat(periodic.takeIfDue(history)).isEmpty();

    PeriodicSavepoints off =
        new PeriodicSavepoints(
            flink, Optional::empty, r -> r, events, properties(Duration.ZERO), registry, clock);
    assertThat(off.takeIfDue(history)).isEmpty();
    assertThat(flink.savepointFiles()).isEmpty();
    assertThat(events.all()).isEmpty();
  }

  @Test
  void aFailedOneIsAnEventAndTheNextTryWaitsAWholeInterval() throws Exception {
    flink.startOutside(JOB, 2, clock.instant());
    flink.failSavepoints("task not running");

    assertThat(periodic.takeIfDue(history)).isEmpty();
    flink.failSavepoints(null);
    clock.advance(Duration.ofMinutes(5));
    assertThat(periodic.takeIfDue(history)).isEmpty();
    clock.advance(Duration.ofMinutes(5));
    assertThat(periodic.takeIfDue(history)).isPresent();

    assertThat(events.reasons()).containsExactly(EventReason.SAVEPOINT_FAILED);
    assertThat(events.all().get(0).message()).contains("task not running");
    assertThat(registry.counter("fraud.savepoints.periodic", "outcome", "failed").count())
        .isEqualTo(1);
  }
}
