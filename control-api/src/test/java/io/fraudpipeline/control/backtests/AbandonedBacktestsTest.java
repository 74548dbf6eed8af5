package io.fraudpipeline.control.backtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.jobs.TestingJobProperties;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.support.MutableClock;
import io.fraudpipeline.control.support.TestLeadership;
import io.fraudpipeline.flink.FlinkRestClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which backtest leftovers a replica cleans up, and when: the names a backtest gives its job and
 * topic, and only those, are taken for a backtest's; the leader leaves another replica's young
 * backtest alone for the grace. Flink, Kafka and the operations topic are fakes kept in memory.
 */
class AbandonedBacktestsTest {

  private static final String ID = "0b7c5e0e-8f6a-4f0e-9d7c-2b1f6e4a9c31";
  private static final String JOB_NAME = TestingJobProperties.of().name();
  private static final String TOPIC_PREFIX = "fraud-backtest-";
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T12:00:00Z"));
  private final FakeFlink flink = new FakeFlink();
  private final FakeKafka kafka = new FakeKafka();
  private final RecordedEvents events = new RecordedEvents();
  private final List<InMemoryOperations> toClose = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    toClose.forEach(InMemoryOperations::close);
    flink.close();
  }

  @Test
  void readsTheOperationIdOfABacktestJobOrTopic() {
    assertThat(
            AbandonedBacktests.operationId(
                Backtests.jobName("fraud-detection", ID), Backtests.jobName("fraud-detection", "")))
        .isEqualTo(ID);
    assertThat(AbandonedBacktests.operationId("fraud-backtest-" + ID, "fraud-backtest-"))
        .isEqualTo(ID);
  }

  @Test
  void ignoresNamesThatOnlyStartLikeABacktestsOwn() {
    assertThat(AbandonedBacktests.operationId("fraud-backtest-results", "fraud-backtest-"))
        .isNull();
    assertThat(AbandonedBacktests.operationId("fraud-backtest-" + ID + "-copy", "fraud-backtest-"))
        .isNull();
    assertThat(AbandonedBacktests.operationId("fraud-detection", "fraud-backtest-")).isNull();
    assertThat(AbandonedBacktests.operationId(null, "fraud-backtest-")).isNull();
  }

  @Test
  void leavesAYoungBacktestOfAReplicaNotYetInTheGroup() {
    // The leader's group, as last learnt, lacks the newcomer that has just started a backtest.
    InMemoryOperations store = operations(TestLeadership.alone("leader"));
    Operation backtest = recordedBacktest("newcomer", clock.instant());
    store.record(backtest);
    flink.runs(backtest.id(), clock.instant());
    kafka.topics.add(TOPIC_PREFIX + backtest.id());

    clock.advance(GRACE.minusMillis(1));
    cleaner(store).sweep();

    assertThat(flink.cancelled).isEmpty();
    assertThat(kafka.topics).containsExactly(TOPIC_PREFIX + backtest.id());
    assertThat(store.recorded(backtest.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);
    assertThat(events.all()).isEmpty();
  }

  @Test
  void cleansABacktestOfAMissingReplicaOnceOlderThanTheGrace() {
    InMemoryOperations store = operations(TestLeadership.alone("leader"));
    Operation backtest = recordedBacktest("gone", clock.instant());
    store.record(backtest);
    JobID job = flink.runs(backtest.id(), clock.instant());
    kafka.topics.add(TOPIC_PREFIX + backtest.id());
    AbandonedBacktests cleaner = cleaner(store);
    cleaner.sweep();
    assertThat(flink.cancelled).isEmpty();

    clock.advance(GRACE);
    cleaner.sweep();

    assertThat(flink.cancelled).containsExactly(job);
    assertThat(kafka.topics).isEmpty();
    Operation failed = store.recorded(backtest.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.failureCause())
        .isEqualTo(
            AbandonedBacktests.RESTARTED
                + "its job was cancelled and its output deleted (it ran on replica gone)");
    assertThat(events.reasons()).containsExactly(EventReason.BACKTEST_ABANDONED);
  }

  @Test
  void theOwnerBackUnderItsOwnIdCleansUpItsBacktestAtOnceWithoutLeading() {
    InMemoryOperations store =
        operations(new TestLeadership("same", false, Optional.of(Set.of("same", "leader"))));
    // Recorded by an earlier process under this id, which was stopped just after starting it.
    Operation backtest = recordedBacktest("same", clock.instant());
    store.record(backtest);
    JobID job = flink.runs(backtest.id(), clock.instant());

    cleaner(store).sweep();

    assertThat(flink.cancelled).containsExactly(job);
    assertThat(store.recorded(backtest.id()).orElseThrow().state())
        .isEqualTo(OperationState.FAILED);
  }

  @Test
  void leavesABacktestWithNoRecordUntilItsJobIsOlderThanTheBacktestTimeoutAndTheGrace() {
    // Its owner may run it yet, having failed to record it (Kafka down at its start): it stops its
    // own at the backtest timeout.
    InMemoryOperations store = operations(TestLeadership.alone("leader"));
    String id = UUID.randomUUID().toString();
    Instant jobStart = clock.instant().minus(Duration.ofMinutes(1));
    JobID job = flink.runs(id, jobStart);
    kafka.topics.add(TOPIC_PREFIX + id);
    AbandonedBacktests cleaner = cleaner(store);

    clock.advance(TIMEOUT.plus(GRACE).minus(Duration.ofMinutes(1)).minusMillis(1));
    cleaner.sweep();
    assertThat(flink.cancelled).isEmpty();
    assertThat(kafka.topics).containsExactly(TOPIC_PREFIX + id);

    clock.advance(Duration.ofMillis(1));
    cleaner.sweep();
    assertThat(flink.cancelled).containsExactly(job);
    assertThat(kafka.topics).isEmpty();
    assertThat(events.all())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("no recorded replica"));
  }

  @Test
  void judgesAnUnrecordedTopicWithoutAJobFromWhenItFirstSawIt() {
    InMemoryOperations store = operations(TestLeadership.alone("leader"));
    String id = UUID.randomUUID().toString();
    kafka.topics.add(TOPIC_PREFIX + id);
    AbandonedBacktests cleaner = cleaner(store);
    cleaner.sweep();

    clock.advance(TIMEOUT.plus(GRACE).minusMillis(1));
    cleaner.sweep();
    assertThat(kafka.topics).containsExactly(TOPIC_PREFIX + id);

    clock.advance(Duration.ofMillis(1));
    cleaner.sweep();
    assertThat(kafka.topics).isEmpty();
  }

  @Test
  void aBacktestOfAMissingReplicaEndsOnceWithItsOwnCauseThoughTheLookForAbandonedOnesComesFirst() {
    // Probe 6 (P6-2): the look for abandoned operations failed it first with the cause of job
    // operations ("check the job's state ... and the savepoint history"), the cleanup then
    // overwrote that; a client polling until the state left IN_PROGRESS kept the first.
    InMemoryOperations store = operationsWithBacktestOutcomes(TestLeadership.alone("leader"));
    Operation backtest = recordedBacktest("gone", clock.instant());
    store.record(backtest);
    JobID job = flink.runs(backtest.id(), clock.instant());
    kafka.topics.add(TOPIC_PREFIX + backtest.id());
    clock.advance(GRACE);

    store.operations().failLeftBehind();
    assertThat(store.recorded(backtest.id()).orElseThrow().state())
        .as("left to the cleanup, which is to cancel its job and delete its output")
        .isEqualTo(OperationState.IN_PROGRESS);

    cleaner(store).sweep();
    store.operations().failLeftBehind();

    assertThat(flink.cancelled).containsExactly(job);
    Operation failed = store.recorded(backtest.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.failureCause())
        .isEqualTo(
            AbandonedBacktests.RESTARTED
                + "its job was cancelled and its output deleted (it ran on replica gone)");
  }

  @Test
  void aBacktestThatLeftNeitherJobNorOutputFailsWithTheBacktestsCauseNotTheJobOperations() {
    // Nothing for the cleanup to find: the look for abandoned operations ends it, as the cleanup
    // would have.
    InMemoryOperations store = operationsWithBacktestOutcomes(TestLeadership.alone("leader"));
    Operation backtest = recordedBacktest("gone", clock.instant());
    store.record(backtest);
    clock.advance(GRACE);

    store.operations().failLeftBehind();

    Operation failed = store.recorded(backtest.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.failureCause())
        .isEqualTo(
            AbandonedBacktests.RESTARTED
                + "its job was no longer running and it left no output (it ran on replica gone)");
  }

  @Test
  void aBacktestWhoseJobFinishedAfterItsReplicaDiedSaysItsJobFinishedNotThatNoneRan() {
    // Probe 8 (P8-4): its job was RUNNING when its replica was killed and FINISHED by the cleanup;
    // event and cause said "no job was running" / "its job was no longer running".
    InMemoryOperations store = operations(TestLeadership.alone("leader"));
    Operation backtest = recordedBacktest("gone", clock.instant());
    store.record(backtest);
    JobID job = flink.ended(backtest.id(), clock.instant(), JobStatus.FINISHED);
    kafka.topics.add(TOPIC_PREFIX + backtest.id());
    clock.advance(GRACE);

    cleaner(store).sweep();

    assertThat(flink.cancelled).isEmpty();
    assertThat(kafka.topics).isEmpty();
    assertThat(store.recorded(backtest.id()).orElseThrow().failureCause())
        .isEqualTo(
            AbandonedBacktests.RESTARTED
                + "its job had finished on its own (its report was never recorded) and its output"
                + " deleted (it ran on replica gone)");
    assertThat(events.all())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains(
                        "its Flink job "
                            + job
                            + " had finished on its own (its report was never recorded), its"
                            + " output topic")
                    .doesNotContain("no job"))
        .satisfies(e -> assertThat(e.jobId()).isEqualTo(job.toHexString()));
  }

  @Test
  void aBacktestThatLeftOnlyAFailedJobSaysItsJobFailed() {
    InMemoryOperations store = operationsWithBacktestOutcomes(TestLeadership.alone("leader"));
    Operation backtest = recordedBacktest("gone", clock.instant());
    store.record(backtest);
    flink.ended(backtest.id(), clock.instant(), JobStatus.FAILED);
    clock.advance(GRACE);

    store.operations().failLeftBehind();

    assertThat(store.recorded(backtest.id()).orElseThrow().failureCause())
        .isEqualTo(
            AbandonedBacktests.RESTARTED
                + "its job had failed and it left no output (it ran on replica gone)");
  }

  @Test
  void theOwnerDeletesTheOutputItsFailedBacktestLeftWhileKafkaWasDownWithoutAWarning() {
    InMemoryOperations store =
        operations(new TestLeadership("cp-1", true, Optional.of(Set.of("cp-1", "cp-2"))));
    // Ended and recorded by this very replica; deleting its topic then failed (Kafka down).
    String cause = "The backtest job ended FAILED: TimeoutException";
    Operation failed = ended(recordedBacktest("cp-1", clock.instant()), cause);
    store.record(failed);
    flink.ended(failed.id(), clock.instant(), JobStatus.FAILED);
    kafka.topics.add(TOPIC_PREFIX + failed.id());

    cleaner(store).sweep();

    assertThat(kafka.topics).isEmpty();
    assertThat(flink.cancelled).isEmpty();
    assertThat(events.all()).isEmpty();
    assertThat(store.recorded(failed.id()).orElseThrow().failureCause()).isEqualTo(cause);
  }

  /** {@code backtest} as its replica recorded it when it failed with {@code cause}. */
  private static Operation ended(Operation backtest, String cause) {
    return new Operation(
        backtest.id(),
        backtest.kind(),
        backtest.jobId(),
        OperationState.FAILED,
        backtest.createdAt(),
        backtest.deadline(),
        backtest.createdAt().plusSeconds(5),
        null,
        null,
        cause,
        backtest.steps(),
        null,
        null,
        backtest.replica(),
        null);
  }

  /** As production wires it: the backtests' answer among the abandoned operations' outcomes. */
  private InMemoryOperations operationsWithBacktestOutcomes(TestLeadership leadership) {
    InMemoryOperations operations =
        new InMemoryOperations(
            leadership,
            clock,
            GRACE,
            List.of(
                new AbandonedBacktestOutcomes(
                    flink, kafka, properties(), TestingJobProperties.of())));
    toClose.add(operations);
    return operations;
  }

  private InMemoryOperations operations(TestLeadership leadership) {
    InMemoryOperations operations = new InMemoryOperations(leadership, clock, GRACE);
    toClose.add(operations);
    return operations;
  }

  private AbandonedBacktests cleaner(InMemoryOperations store) {
    return new AbandonedBacktests(
        flink, kafka, store.operations(), events, properties(), TestingJobProperties.of());
  }

  private static BacktestProperties properties() {
    return new BacktestProperties(
        2,
        Duration.ofDays(7),
        TIMEOUT,
        1,
        20,
        TOPIC_PREFIX,
        Duration.ofHours(1),
        Duration.ofSeconds(1),
        "io.fraudpipeline.job.backtest.BacktestJob",
        Duration.ofSeconds(15),
        Duration.ofSeconds(10));
  }

  /** A backtest in progress as the replica {@code replica} recorded it when it started. */
  private static Operation recordedBacktest(String replica, Instant created) {
    return InMemoryOperations.inProgress(OperationKind.BACKTEST, replica, created);
  }

  /** Flink's job list, and the jobs cancelled, kept in memory: no request is sent. */
  private static final class FakeFlink extends FlinkRestClient {

    private final List<JobDetails> jobs = new CopyOnWriteArrayList<>();
    final List<JobID> cancelled = new CopyOnWriteArrayList<>();

    FakeFlink() {
      super(URI.create("http://localhost:1"), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /** A backtest job of the operation, RUNNING since {@code start}. */
    JobID runs(String operationId, Instant start) {
      JobID id = new JobID();
      jobs.add(
          new JobDetails(
              id,
              Backtests.jobName(JOB_NAME, operationId),
              start.toEpochMilli(),
              -1,
              0,
              JobStatus.RUNNING,
              start.toEpochMilli(),
              new int[ExecutionState.values().length],
              0));
      return id;
    }

    /** A backtest job of the operation, started at {@code start} and since ended {@code as}. */
    JobID ended(String operationId, Instant start, JobStatus as) {
      JobID id = new JobID();
      jobs.add(
          new JobDetails(
              id,
              Backtests.jobName(JOB_NAME, operationId),
              start.toEpochMilli(),
              start.toEpochMilli() + 1,
              1,
              as,
              start.toEpochMilli() + 1,
              new int[ExecutionState.values().length],
              0));
      return id;
    }

    @Override
    public Collection<JobDetails> jobsOverview() {
      return List.copyOf(jobs);
    }

    @Override
    public void cancel(JobID jobId) {
      cancelled.add(jobId);
    }
  }

  /** The backtest output topics, kept in memory. */
  private static final class FakeKafka extends BacktestKafka {

    final Set<String> topics = new TreeSet<>();

    FakeKafka() {
      super(null, null, null);
    }

    @Override
    Set<String> topicsStartingWith(String prefix) {
      return new TreeSet<>(topics.stream().filter(t -> t.startsWith(prefix)).toList());
    }

    @Override
    void deleteOutput(String topic) {
      topics.remove(topic);
    }
  }
}
