package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.support.MutableClock;
import io.fraudpipeline.control.support.TestLeadership;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the health watch of a leader that takes over treats the unhealthy report its predecessor left
 * open in the status: {@code JobHealthy} and {@code JobUnhealthy} say what changed on Flink, not
 * what the new leader had yet to see. Against the in-memory {@link TestingFlinkService}.
 */
class JobHealthAcrossLeadersTest {

  private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

  /** {@code unhealthy.window} below. */
  private static final Duration WINDOW = TestReconcilerProperties.UNHEALTHY_WINDOW;

  private static final Duration POLL = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(START);
  private final TestingFlinkService flink = new TestingFlinkService(clock);
  private final RecordedEvents events = new RecordedEvents();
  private final DesiredState desired = ReplicaReconciler.running("pipeline-1", 1);
  private PipelineStatus status = PipelineStatus.initial();
  private PipelineReconciler first;
  private String job;
  private long restarts;
  private long checkpoints;

  @BeforeEach
  void deploy() throws InterruptedException {
    first = replica(TestLeadership.alone("cp-a"));
    step(first);
    job = status.jobId();
  }

  @Test
  void aNewLeaderNeitherClosesNorReopensTheReportOfAJobThatKeepsRestarting() throws Exception {
    reportedByTheFirstLeaderForClimbingRestarts();
    int before = events.all().size();
    PipelineReconciler next = replica(TestLeadership.alone("cp-b"));

    for (int poll = 0; poll < 8; poll++) {
      restartAndCheckpoint();
      step(next);
      assertThat(status.unhealthy()).isNotNull();
    }

    assertThat(events.reasons().subList(before, events.all().size())).isEmpty();
    assertThat(status.unhealthyJobId()).isEqualTo(job);
    judgedByItself();
  }

  @Test
  void aNewLeaderNeitherClosesNorReopensTheReportOfAJobThatCompletesNoCheckpoint()
      throws Exception {
    step(first);
    for (int poll = 0; poll < 6; poll++) {
      clock.advance(Duration.ofSeconds(10));
      step(first);
    }
    assertThat(status.unhealthy()).startsWith("no checkpoint completed");
    int before = events.all().size();
    PipelineReconciler next = replica(TestLeadership.alone("cp-b"));

    for (int poll = 0; poll < 7; poll++) {
      step(next);
      assertThat(status.unhealthy()).isNotNull();
      clock.advance(Duration.ofSeconds(10));
    }

    assertThat(events.reasons().subList(before, events.all().size())).isEmpty();
    assertThat(status.unhealthy())
        .contains("no checkpoint completed since " + START.plusSeconds(60));
  }

  @Test
  void aNewLeaderClosesTheReportItTookOverOnceItHasWatchedTheJobForARestartWindow()
      throws Exception {
    reportedByTheFirstLeaderForClimbingRestarts();
    int before = events.all().size();
    PipelineReconciler next = replica(TestLeadership.alone("cp-b"));
    Instant takeOver = clock.instant();

    while (clock.instant().isBefore(takeOver.plus(WINDOW))) {
      step(next);
      assertThat(status.unhealthy()).isNotNull();
      assertThat(status.lastStep().action()).isEqualTo("report-unhealthy");
      assertThat(status.lastStep().message())
          .contains("reported by an earlier leader; watched since " + takeOver);
      checkpoint();
    }
    assertThat(events.reasons().subList(before, events.all().size())).isEmpty();

    step(next);

    assertThat(status.unhealthy()).isNull();
    assertThat(events.all().subList(before, events.all().size()))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("JobHealthy"))
        .satisfies(e -> assertThat(e.message()).isEqualTo("Job " + job + " is healthy again"));
  }

  @Test
  void aReplicaLeadingAgainWatchesAfreshRatherThanTrustWhatItSawBeforeAnotherLed()
      throws Exception {
    TestLeadership leadership = TestLeadership.alone("cp-a");
    first = replica(leadership);
    reportedByTheFirstLeaderForClimbingRestarts();
    int before = events.all().size();
    // Another replica led for ten minutes and kept the report open; Flink kept restarting the job.
    for (int poll = 0; poll < 20; poll++) {
      restartAndCheckpoint();
    }
    leadership.epoch = 3;

    for (int poll = 0; poll < 8; poll++) {
      restartAndCheckpoint();
      step(first);
      assertThat(status.unhealthy()).isNotNull();
    }

    assertThat(events.reasons().subList(before, events.all().size())).isEmpty();
    judgedByItself();
  }

  /** The report open is the leader's own now: the climb it saw in the window it watched. */
  private void judgedByItself() {
    assertThat(status.unhealthy()).matches("restarted \\d+ times within PT5M .*");
    assertThat(status.lastStep().message()).doesNotContain("earlier leader");
  }

  /**
   * The job has run ten minutes (its start is out of the restart window), then Flink restarts it
   * every poll until the first leader reports it.
   */
  private void reportedByTheFirstLeaderForClimbingRestarts() throws InterruptedException {
    for (int poll = 0; poll < 20; poll++) {
      checkpoint();
      step(first);
    }
    for (int poll = 0; poll < 3; poll++) {
      restartAndCheckpoint();
      step(first);
    }
    assertThat(events.reasons()).endsWith("JobUnhealthy");
    assertThat(status.unhealthy()).startsWith("restarted 3 times within PT5M");
  }

  private void restartAndCheckpoint() {
    flink.restarts(job, ++restarts);
    checkpoint();
  }

  /** A checkpoint completes now, and a poll interval passes. */
  private void checkpoint() {
    checkpoints++;
    flink.completeCheckpoint(
        job, checkpoints, "file:/checkpoints/" + job + "/chk-" + checkpoints, clock.instant());
    clock.advance(POLL);
  }

  private void step(PipelineReconciler replica) throws InterruptedException {
    status =
        replica.reconcile(
            desired, new PipelineObserver(flink, () -> null, clock).observe(), status);
  }

  private PipelineReconciler replica(TestLeadership leadership) {
    return new PipelineReconciler(
        flink,
        new CheckpointStorage(),
        events,
        leadership,
        intent -> {},
        savepoint -> savepoint,
        TransactionsRetention.UNKNOWN,
        d -> d,
        jar -> true,
        TestReconcilerProperties.of(false),
        false,
        Duration.ofSeconds(10),
        TestingFlinkService.SHIPPED_JAR,
        clock);
  }
}
