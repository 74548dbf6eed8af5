package io.fraudpipeline.control.backtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.errors.ConcurrencyLimitException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.flink.TestingFreeSlots;
import io.fraudpipeline.control.jobs.TestingJobProperties;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.support.TestLeadership;
import io.fraudpipeline.flink.ClusterOverview;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.model.FraudJson;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Backtests sent to two replicas on one operations topic (kept in memory) and one Flink cluster (a
 * fake that reports its slots and jobs): the limit and the free slots hold for the replicas
 * together. Each backtest's body waits in the creation of its output topic until the test ends it.
 */
class BacktestAdmissionTest {

  private static final String PREFIX = "fraud-backtest-";
  private static final String RULES =
      "[{\"id\": \"big\", \"kind\": \"threshold\", \"field\": \"amount\", \"operator\": \">\","
          + " \"limit\": 500}]";

  private final String aId = "replica-a-" + UUID.randomUUID();
  private final String bId = "replica-b-" + UUID.randomUUID();
  private final Optional<Set<String>> group = Optional.of(Set.of(aId, bId));
  private final InMemoryOperations aOperations =
      new InMemoryOperations(
          new TestLeadership(aId, true, group), Clock.systemUTC(), Duration.ofSeconds(30));
  private final InMemoryOperations bOperations =
      aOperations.replica(new TestLeadership(bId, false, group));
  private final FakeFlink flink = new FakeFlink();
  private final WaitingKafka kafka = new WaitingKafka();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void close() {
    pool.shutdownNow();
    kafka.releaseAll();
    aOperations.close();
    bOperations.close();
    flink.close();
  }

  @Test
  void ofTwoBacktestsSentToTwoReplicasAtOnceForTheLastFreeSlotOneIsAcceptedAndTheOtherRefused()
      throws Exception {
    // Two slots, the live job's one taken.
    flink.overview = new ClusterOverview("2.2.1", 1, 2, 1, 1);
    Backtests a = backtests(aOperations, 2);
    Backtests b = backtests(bOperations, 2);

    for (int round = 0; round < 10; round++) {
      List<Object> outcomes = atOnce(a, b);

      assertThat(outcomes)
          .as("round %d: %s", round, outcomes)
          .hasOnlyElementsOfTypes(Operation.class, StateConflictException.class);
      StateConflictException refused = only(outcomes, StateConflictException.class);
      assertThat(refused.properties())
          .containsEntry("slots_available", 1)
          .containsEntry("slots_total", 2);
      Operation accepted = only(outcomes, Operation.class);
      assertThat(refused.getMessage())
          .startsWith("A backtest (fraud.backtests.parallelism 1) needs 1 free task slots")
          .contains("reserved for backtests accepted before it")
          .contains(accepted.id());
      end(accepted);
    }
  }

  @Test
  void theLimitOfBacktestsInProgressHoldsForAllReplicasTogether() throws Exception {
    flink.overview = new ClusterOverview("2.2.1", 1, 8, 7, 1);
    Backtests a = backtests(aOperations, 1);
    Backtests b = backtests(bOperations, 1);

    for (int round = 0; round < 5; round++) {
      List<Object> outcomes = atOnce(a, b);

      assertThat(outcomes)
          .as("round %d: %s", round, outcomes)
          .hasOnlyElementsOfTypes(Operation.class, ConcurrencyLimitException.class);
      only(outcomes, ConcurrencyLimitException.class);
      end(only(outcomes, Operation.class));
    }
    // One at a time, not only at the same moment.
    Operation running = a.start(request());
    assertThatThrownBy(() -> b.start(request()))
        .isInstanceOf(ConcurrencyLimitException.class)
        .hasMessageStartingWith("1 backtests are in progress (on all control-plane replicas)");
    end(running);
  }

  @Test
  void anEarlierBacktestIsCountedAgainstTheFreeSlotsOnlyUntilItsJobHoldsThem() {
    // Three slots: the live job's, the earlier backtest's (once placed), one free.
    flink.overview = new ClusterOverview("2.2.1", 1, 3, 1, 1);
    Backtests a = backtests(aOperations, 2);
    Backtests b = backtests(bOperations, 2);
    Operation earlier = a.start(request());

    flink.jobs.add(job(earlier.jobId(), ExecutionState.SCHEDULED));
    assertThatThrownBy(() -> b.start(request()))
        .isInstanceOf(StateConflictException.class)
        .hasMessageContaining(earlier.id());

    flink.jobs.clear();
    flink.jobs.add(job(earlier.jobId(), ExecutionState.RUNNING));
    Operation beside = b.start(request());
    assertThat(beside.state()).isEqualTo(OperationState.IN_PROGRESS);
    end(earlier);
    end(beside);
  }

  /** Starts a backtest on each replica at the same moment; each one's operation, or refusal. */
  private List<Object> atOnce(Backtests a, Backtests b) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> answers = new ArrayList<>();
    for (Backtests replica : List.of(a, b)) {
      answers.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  return replica.start(request());
                } catch (StateConflictException | ConcurrencyLimitException e) {
                  return e;
                }
              }));
    }
    go.countDown();
    List<Object> outcomes = new ArrayList<>();
    for (Future<Object> answer : answers) {
      outcomes.add(answer.get());
    }
    return outcomes;
  }

  private static <T> T only(List<Object> outcomes, Class<T> type) {
    List<T> of = outcomes.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(of).as("%s", outcomes).hasSize(1);
    return of.get(0);
  }

  /** Ends a backtest (its body fails) and waits until both replicas see it ended. */
  private void end(Operation backtest) {
    kafka.release(backtest.id());
    for (InMemoryOperations replica : List.of(aOperations, bOperations)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> replica.operations().find(backtest.id()).orElseThrow().state(),
              state -> state != OperationState.IN_PROGRESS);
    }
  }

  static Backtests backtests(
      InMemoryOperations replica,
      FakeFlink flink,
      WaitingKafka kafka,
      int maxConcurrent,
      Duration shutdownGrace,
      RecordedEvents events) {
    return new Backtests(
        replica.operations(),
        flink,
        null,
        null,
        TestingFreeSlots.counting(flink),
        null,
        kafka,
        new BacktestProperties(
            maxConcurrent,
            Duration.ofDays(7),
            Duration.ofMinutes(30),
            1,
            20,
            PREFIX,
            Duration.ofHours(1),
            Duration.ofSeconds(1),
            "io.fraudpipeline.job.backtest.BacktestJob",
            Duration.ofSeconds(15),
            shutdownGrace),
        TestingJobProperties.of(),
        events,
        Clock.systemUTC());
  }

  private Backtests backtests(InMemoryOperations replica, int maxConcurrent) {
    return backtests(
        replica, flink, kafka, maxConcurrent, Duration.ofSeconds(10), new RecordedEvents());
  }

  static JsonNode request() {
    Instant to = Instant.now().minusSeconds(1);
    return FraudJson.mapper()
        .readTree(
            "{\"rules\": "
                + RULES
                + ", \"from\": \""
                + to.minus(Duration.ofMinutes(30))
                + "\", \"to\": \""
                + to
                + "\"}");
  }

  /** A backtest's job of one task, in {@code state}. */
  private static JobDetails job(String jobId, ExecutionState state) {
    int[] tasks = new int[ExecutionState.values().length];
    tasks[state.ordinal()] = 1;
    long now = System.currentTimeMillis();
    return new JobDetails(
        JobID.fromHexString(jobId), "backtest", now, -1, 0, JobStatus.RUNNING, now, tasks, 1);
  }

  /** Flink's slots and jobs as the test sets them; no request is sent. */
  static final class FakeFlink extends FlinkRestClient {

    volatile ClusterOverview overview;
    final List<JobDetails> jobs = new CopyOnWriteArrayList<>();
    final List<JobID> cancelled = new CopyOnWriteArrayList<>();

    FakeFlink() {
      super(URI.create("http://localhost:1"), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Override
    public ClusterOverview clusterOverview() {
      return overview;
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

  /**
   * Transactions to read, and output topics whose creation waits until the test ends the backtest
   * (which then fails): its operation stays in progress until then.
   */
  static final class WaitingKafka extends BacktestKafka {

    private final Set<String> released = new HashSet<>();
    final Set<String> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    private boolean all;

    WaitingKafka() {
      super(null, null, null);
    }

    @Override
    boolean transactionsTopicExists() {
      return true;
    }

    @Override
    Instant oldestRetained() {
      return null;
    }

    @Override
    ReadPlan plan(Instant from, Instant to, Instant stampedAfter) {
      return new ReadPlan(Map.of(0, 0L), Map.of(0, 20L));
    }

    @Override
    synchronized void createOutput(String topic) {
      waiting.add(topic);
      while (!all && !released.contains(topic)) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new IllegalStateException("Ended by the test");
    }

    @Override
    void deleteOutput(String topic) {
      deleted.add(topic);
    }

    synchronized void release(String operationId) {
      released.add(PREFIX + operationId);
      notifyAll();
    }

    synchronized void releaseAll() {
      all = true;
      notifyAll();
    }
  }
}
