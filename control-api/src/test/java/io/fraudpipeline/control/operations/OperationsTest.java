package io.fraudpipeline.control.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.kafka.CompactedTopic;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.support.MutableClock;
import io.fraudpipeline.control.support.Ports;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.control.support.TestLeadership;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/** Operations against the tests' real broker, each test on a topic of its own. */
class OperationsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final String topic = "operations-test-" + UUID.randomUUID();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Operations operations = controlPlane();

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void aReplicaThatNeverReadTheOperationsRefusesToListThemOrToSayOneIsUnknown() {
    Map<String, Operation> recorded = new ConcurrentHashMap<>();
    boolean[] kafkaDown = {true};
    Operations replica = onStore(recorded, kafkaDown);

    assertThatThrownBy(() -> replica.listing(10))
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining("not read them since it started");
    assertThatThrownBy(() -> replica.find(UUID.randomUUID().toString()))
        .isInstanceOf(KafkaUnavailableException.class);
  }

  @Test
  void operationsReadBeforeKafkaWentAwayAreListedFromMemoryAsStale() {
    Map<String, Operation> recorded = new ConcurrentHashMap<>();
    Operation other =
        InMemoryOperations.inProgress(OperationKind.SAVEPOINT, "other-replica", Instant.now());
    recorded.put(other.id(), other);
    boolean[] kafkaDown = {false};
    Operations replica = onStore(recorded, kafkaDown);

    Operations.Listing read = replica.listing(10);
    kafkaDown[0] = true;
    Operations.Listing fromMemory = replica.listing(10);

    assertThat(read.stale()).isFalse();
    assertThat(read.operations()).extracting(Operation::id).containsExactly(other.id());
    assertThat(fromMemory.stale()).isTrue();
    assertThat(fromMemory.operations()).extracting(Operation::id).containsExactly(other.id());
  }

  /** This replica's operations on a store in memory that fails as Kafka does while it is down. */
  private Operations onStore(Map<String, Operation> recorded, boolean[] kafkaDown) {
    OperationStore store =
        new OperationStore(null) {
          @Override
          boolean save(Operation operation) {
            recorded.put(operation.id(), operation);
            return true;
          }

          @Override
          Collection<Operation> load() {
            if (kafkaDown[0]) {
              throw new KafkaUnavailableException("Kafka did not answer");
            }
            return List.copyOf(recorded.values());
          }

          @Override
          public void close() {}
        };
    Operations started =
        new Operations(
            meters,
            store,
            new TestLeadership("this-replica", false, Optional.of(Set.of("this-replica"))),
            Duration.ofSeconds(1),
            Duration.ZERO,
            Clock.systemUTC());
    toClose.add(started);
    return started;
  }

  @Test
  void reportsInProgressThenCompletedWithTheNewJob() {
    Operation accepted =
        operations.start(
            OperationKind.RESCALE,
            "job-1",
            Duration.ofMinutes(1),
            context -> {
              context.savepointWritten("file:/savepoints/sp-1");
              return "job-2";
            });

    assertThat(accepted.state()).isEqualTo(OperationState.IN_PROGRESS);
    assertThat(accepted.deadline()).isEqualTo(accepted.createdAt().plus(Duration.ofMinutes(1)));
    Operation done = awaitEnd(operations, accepted.id());
    assertThat(done.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(done.savepointPath()).isEqualTo("file:/savepoints/sp-1");
    assertThat(done.newJobId()).isEqualTo("job-2");
    assertThat(done.completedAt()).isNotNull();
    assertThat(
            meters
                .get("fraud.operations")
                .tag("kind", "rescale")
                .tag("outcome", "completed")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void anAcceptedOperationIsRecordedBeforeItsIdIsGivenOut() {
    // Which thread first writes the operation: the one that is answered its id, or the body's
    // (a replica killed between the answer and that write left an id no replica knew).
    List<Thread> writers = new java.util.concurrent.CopyOnWriteArrayList<>();
    OperationStore store =
        new OperationStore(topic(TestKafka.broker().bootstrapServers())) {
          @Override
          boolean save(Operation operation) {
            writers.add(Thread.currentThread());
            return super.save(operation);
          }
        };
    Operations recording =
        new Operations(
            meters,
            store,
            TestLeadership.alone("replica-" + UUID.randomUUID()),
            Duration.ofSeconds(1),
            Duration.ZERO,
            Clock.systemUTC());
    toClose.add(store);
    toClose.add(recording);

    Operation accepted =
        recording.start(OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), context -> null);

    assertThat(writers).first().isEqualTo(Thread.currentThread());
    assertThat(awaitEnd(recording, accepted.id()).state()).isEqualTo(OperationState.COMPLETED);
  }

  @Test
  void keepsTheSavepointPathWhenALaterStepFails() {
    Operation accepted =
        stop(
            context -> {
              context.savepointWritten("file:/savepoints/sp-2");
              throw new IllegalStateException("the job failed while stopping");
            });

    Operation failed = awaitEnd(operations, accepted.id());
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.savepointPath()).isEqualTo("file:/savepoints/sp-2");
    assertThat(failed.failureCause()).isEqualTo("the job failed while stopping");
    assertThat(
            meters
                .get("fraud.operations")
                .tag("kind", "stop")
                .tag("outcome", "failed")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aRestartedControlPlaneFindsTheEndedOperationsOfTheOneBefore() {
    Operation accepted =
        operations.start(
            OperationKind.SAVEPOINT,
            "job-1",
            Duration.ofMinutes(1),
            context -> {
              context.savepointWritten("file:/savepoints/sp-3");
              return null;
            });
    Operation done = awaitEnd(operations, accepted.id());
    operations.close();

    Operations restarted = controlPlane();

    assertThat(restarted.find(accepted.id())).contains(done);
    assertThat(restarted.list()).containsExactly(done);
  }

  @Test
  void anOperationInProgressWhenTheControlPlaneStopsIsReportedFailedByTheNextOne()
      throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Operation accepted =
        stop(
            context -> {
              context.savepointWritten("file:/savepoints/sp-4");
              running.countDown();
              new CountDownLatch(1).await();
              return null;
            });
    running.await();
    operations.close();

    Operation interrupted = controlPlane().find(accepted.id()).orElseThrow();

    assertThat(interrupted.state()).isEqualTo(OperationState.FAILED);
    assertThat(interrupted.failureCause())
        .isEqualTo(AbandonedOperationSettler.interrupted(accepted.replica()))
        .contains(accepted.replica());
    assertThat(interrupted.savepointPath()).isEqualTo("file:/savepoints/sp-4");
    assertThat(interrupted.completedAt()).isAfterOrEqualTo(accepted.createdAt());
    // Written back: a later control plane reports the same failure, not a new one.
    assertThat(controlPlane().find(accepted.id())).contains(interrupted);
  }

  @Test
  void listsTheNewestOperationsUpToTheLimit() {
    List<String> newestFirst = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id =
          operations.start(OperationKind.CANCEL, "j", Duration.ofMinutes(1), c -> null).id();
      awaitEnd(operations, id);
      newestFirst.add(0, id);
    }

    assertThat(operations.list(2)).extracting(Operation::id).isEqualTo(newestFirst.subList(0, 2));
    assertThat(operations.list()).extracting(Operation::id).isEqualTo(newestFirst);
  }

  @Test
  void forgetsTheOldestEndedOperationsBeyondTheLimitInTheTopicToo() {
    String first =
        operations.start(OperationKind.CANCEL, "j", Duration.ofMinutes(1), c -> null).id();
    awaitEnd(operations, first);
    for (int i = 0; i < KnownOperations.RETAINED; i++) {
      awaitEnd(
          operations,
          operations.start(OperationKind.CANCEL, "j", Duration.ofMinutes(1), c -> null).id());
    }
    assertThat(operations.list()).hasSize(KnownOperations.RETAINED);
    assertThat(operations.find(first)).isEmpty();

    Map<String, Operation> inTopic = topic(TestKafka.broker().bootstrapServers()).readAll();
    assertThat(inTopic).hasSize(KnownOperations.RETAINED).doesNotContainKey(first);
  }

  @Test
  void ofTwoReplicasClaimingTheSameJobAtOnceOnlyTheOneRecordedFirstRunsAndTheOtherIsToldWhich()
      throws Exception {
    String aId = "replica-a-" + UUID.randomUUID();
    String bId = "replica-b-" + UUID.randomUUID();
    // Each in the other's group: alive.
    Optional<Set<String>> group = Optional.of(Set.of(aId, bId));
    Operations a = controlPlane(new TestLeadership(aId, true, group));
    Operations b = controlPlane(new TestLeadership(bId, false, group));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<String> winners = new ArrayList<>();
    try {
      for (int round = 0; round < 10; round++) {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<Object>> answers = new ArrayList<>();
        for (Operations replica : List.of(a, b)) {
          answers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return savepointClaimed(replica, release);
                  }));
        }
        go.countDown();
        List<Object> outcomes = new ArrayList<>();
        for (Future<Object> answer : answers) {
          outcomes.add(answer.get());
        }
        release.countDown();

        assertThat(outcomes)
            .as("round %d", round)
            .hasOnlyElementsOfTypes(Operation.class, StateConflictException.class);
        List<Operation> accepted =
            outcomes.stream()
                .filter(Operation.class::isInstance)
                .map(Operation.class::cast)
                .toList();
        assertThat(accepted).as("round %d: %s", round, outcomes).hasSize(1);
        String winner = accepted.get(0).id();
        StateConflictException refused =
            outcomes.stream()
                .filter(StateConflictException.class::isInstance)
                .map(StateConflictException.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(refused.properties()).containsEntry("operation_id", winner);
        assertThat(refused.getMessage())
            .isEqualTo("Operation " + winner + " (SAVEPOINT) is in progress on job job-1");
        assertThat(awaitEnd(a, winner).state()).isEqualTo(OperationState.COMPLETED);
        assertThat(awaitEnd(b, winner).state()).isEqualTo(OperationState.COMPLETED);
        winners.add(winner);
      }
    } finally {
      pool.shutdownNow();
    }
    // The refused claims were withdrawn: neither replica knows them.
    assertThat(a.list()).extracting(Operation::id).containsExactlyInAnyOrderElementsOf(winners);
    assertThat(b.list()).extracting(Operation::id).containsExactlyInAnyOrderElementsOf(winners);
  }

  /** A savepoint of job-1 claimed on {@code replica}, running until {@code release}; or its 409. */
  private static Object savepointClaimed(Operations replica, CountDownLatch release) {
    try (OperationClaim claim =
        replica.claim(
            OperationKind.SAVEPOINT,
            "job-1",
            Duration.ofMinutes(1),
            Exclusion.onJob("job-1", kind -> true))) {
      return claim.start(
          context -> {
            release.await();
            return null;
          });
    } catch (StateConflictException e) {
      return e;
    }
  }

  @Test
  void aSavepointInProgressLetsAStopOfTheJobBeClaimedWhileAStopHoldsUpASavepoint() {
    Operations replica = controlPlane(TestLeadership.alone("replica-" + UUID.randomUUID()));
    Exclusion stopsHeldUp = Exclusion.onJob("job-1", kind -> kind != OperationKind.SAVEPOINT);
    Exclusion savepointsHeldUp = Exclusion.onJob("job-1", kind -> true);
    OperationClaim savepoint =
        replica.claim(OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), savepointsHeldUp);
    OperationClaim stop =
        replica.claim(OperationKind.STOP, "job-1", Duration.ofMinutes(1), stopsHeldUp);
    savepoint.close();

    assertThatThrownBy(
            () ->
                replica.claim(
                    OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), savepointsHeldUp))
        .isInstanceOfSatisfying(
            StateConflictException.class,
            e -> assertThat(e.properties()).containsEntry("operation_id", stop.operationId()));
    // Another job is not held up.
    replica
        .claim(
            OperationKind.SAVEPOINT,
            "job-2",
            Duration.ofMinutes(1),
            Exclusion.onJob("job-2", kind -> true))
        .close();
    stop.close();
    assertThat(replica.list()).isEmpty();
  }

  @Test
  void aClaimLeftByAReplicaThatStoppedHoldsTheJobUntilTheLeaderFailsIt() {
    String goneId = "gone-" + UUID.randomUUID();
    Operations gone = controlPlane(TestLeadership.alone(goneId));
    Exclusion exclusion = Exclusion.onJob("job-1", kind -> kind != OperationKind.SAVEPOINT);
    // Stopped while it held the claim, before it started the operation: its record stays.
    String held =
        gone.claim(OperationKind.RESCALE, "job-1", Duration.ofMinutes(1), exclusion).operationId();
    gone.close();
    TestLeadership leadership =
        new TestLeadership("leader", true, Optional.of(Set.of("leader", goneId)));
    Operations leader = controlPlane(leadership);

    assertThatThrownBy(
            () -> leader.claim(OperationKind.STOP, "job-1", Duration.ofMinutes(1), exclusion))
        .isInstanceOfSatisfying(
            StateConflictException.class,
            e -> assertThat(e.properties()).containsEntry("operation_id", held));

    leadership.replicas = Optional.of(Set.of("leader"));
    assertThat(leader.failLeftBehind())
        .extracting(Operation::id, Operation::failureCause)
        .containsExactly(tuple(held, AbandonedOperationSettler.interrupted(goneId)));
    try (OperationClaim claim =
        leader.claim(OperationKind.STOP, "job-1", Duration.ofMinutes(1), exclusion)) {
      assertThat(awaitEnd(leader, claim.start(context -> null).id()).state())
          .isEqualTo(OperationState.COMPLETED);
    }
  }

  @Test
  void aRefusedClaimReadBackByARaceWithItsRemovalIsNeitherShownNorFailedAsAbandoned() {
    String id = "replica-" + UUID.randomUUID();
    // What the topic held just before the refused claim's tombstone, served to the next reads.
    Map<String, Operation> records = Collections.synchronizedMap(new LinkedHashMap<>());
    List<Operation> beforeRemoval = new ArrayList<>();
    OperationStore store =
        new OperationStore(null) {
          @Override
          void put(Operation operation) {
            records.put(operation.id(), operation);
          }

          @Override
          void remove(String removed) {
            beforeRemoval.addAll(records.values());
            records.remove(removed);
          }

          @Override
          Collection<Operation> load() {
            return beforeRemoval.isEmpty() ? List.copyOf(records.values()) : beforeRemoval;
          }

          @Override
          public void close() {}
        };
    Operations replica =
        new Operations(
            meters,
            store,
            TestLeadership.alone(id),
            Duration.ofSeconds(1),
            Duration.ZERO,
            Clock.systemUTC());
    toClose.add(replica);
    Exclusion exclusion = Exclusion.onJob("job-1", kind -> true);
    OperationClaim first =
        replica.claim(OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), exclusion);
    assertThatThrownBy(
            () -> replica.claim(OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), exclusion))
        .isInstanceOf(StateConflictException.class);
    Operation refused =
        beforeRemoval.stream()
            .filter(op -> !op.id().equals(first.operationId()))
            .findFirst()
            .orElseThrow();

    assertThat(replica.list()).extracting(Operation::id).containsExactly(first.operationId());
    assertThat(replica.find(refused.id())).isEmpty();
    assertThat(replica.failLeftBehind()).isEmpty();
    assertThat(records).doesNotContainKey(refused.id());
  }

  @Test
  void aRefusedClaimKafkaDidNotRemoveIsFailedByItsReplicaRatherThanHoldingTheJob() {
    Map<String, Operation> records = Collections.synchronizedMap(new LinkedHashMap<>());
    OperationStore store =
        new OperationStore(null) {
          @Override
          void put(Operation operation) {
            records.put(operation.id(), operation);
          }

          @Override
          void remove(String removed) {
            throw new KafkaUnavailableException("Kafka did not answer");
          }

          @Override
          Collection<Operation> load() {
            return List.copyOf(records.values());
          }

          @Override
          public void close() {}
        };
    String id = "replica-" + UUID.randomUUID();
    Operations replica =
        new Operations(
            meters,
            store,
            TestLeadership.alone(id),
            Duration.ofSeconds(1),
            Duration.ZERO,
            Clock.systemUTC());
    toClose.add(replica);
    Exclusion exclusion = Exclusion.onJob("job-1", kind -> true);
    OperationClaim first =
        replica.claim(OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), exclusion);
    assertThatThrownBy(
            () -> replica.claim(OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), exclusion))
        .isInstanceOf(StateConflictException.class);
    String refused =
        records.keySet().stream()
            .filter(op -> !op.equals(first.operationId()))
            .findFirst()
            .orElseThrow();

    assertThat(replica.failLeftBehind()).extracting(Operation::id).containsExactly(refused);
    assertThat(records.get(refused).state()).isEqualTo(OperationState.FAILED);
  }

  @Test
  void aClaimIsRefusedWhileKafkaIsUnreachableAndNothingRuns() {
    Operations offline = controlPlane("localhost:" + Ports.free(), Duration.ofSeconds(1));

    assertThatThrownBy(
            () ->
                offline.claim(
                    OperationKind.SAVEPOINT,
                    "job-1",
                    Duration.ofMinutes(1),
                    Exclusion.onJob("job-1", kind -> true)))
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining("Cannot make sure no other replica runs an operation");
    assertThat(offline.list()).isEmpty();
  }

  @Test
  void anOperationCompletesAndIsServedFromMemoryWhileKafkaIsUnreachable() {
    Operations offline = controlPlane("localhost:" + Ports.free(), Duration.ofSeconds(1));

    Operation accepted =
        offline.start(OperationKind.CANCEL, "job-1", Duration.ofMinutes(1), c -> null);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> offline.find(accepted.id()).orElseThrow().state() != OperationState.IN_PROGRESS);
    assertThat(offline.find(accepted.id()).orElseThrow().state())
        .isEqualTo(OperationState.COMPLETED);
    assertThat(offline.list()).extracting(Operation::id).containsExactly(accepted.id());
  }

  @Test
  void anAbandonedOperationSaysWhyOnceItsLeftoversAreCleanedButAnEndedOneIsLeftAlone()
      throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Operation abandoned = stop(runsUntilStopped(running));
    Operation completed = stop(context -> null);
    running.await();
    awaitEnd(operations, completed.id());
    assertThat(operations.runsHere(abandoned.id())).isTrue();
    assertThat(operations.failAbandoned(abandoned, "cleaned")).as("it runs here").isEmpty();
    operations.close();

    Operations next = controlPlane();
    Map<String, Operation> recorded = next.recorded();
    assertThat(recorded).containsKeys(abandoned.id(), completed.id());
    assertThat(next.runsHere(abandoned.id())).isFalse();
    // Reported interrupted first (the next control plane's first look), then the cleaner's why.
    assertThat(next.find(abandoned.id()).orElseThrow().failureCause())
        .isEqualTo(AbandonedOperationSettler.interrupted(abandoned.replica()));
    Operation failed =
        next.failAbandoned(next.recorded().get(abandoned.id()), "its job was cancelled")
            .orElseThrow();
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.failureCause()).isEqualTo("its job was cancelled");
    assertThat(next.find(abandoned.id())).contains(failed);
    assertThat(next.failAbandoned(recorded.get(completed.id()), "its job was cancelled")).isEmpty();
    assertThat(controlPlane().find(abandoned.id())).contains(failed);
    assertThat(controlPlane().find(completed.id()).orElseThrow().state())
        .isEqualTo(OperationState.COMPLETED);
  }

  @Test
  void anotherLiveReplicasOperationStaysInProgressAndIsServedWithTheProgressItsOwnerWrote()
      throws Exception {
    String ownerId = "owner-" + UUID.randomUUID();
    MutableClock ownerClock = new MutableClock(Instant.now());
    Operations owner = controlPlane(TestLeadership.alone(ownerId), ownerClock);
    CountDownLatch reported = new CountDownLatch(1);
    CountDownLatch later = new CountDownLatch(1);
    Operation accepted =
        owner.start(
            OperationKind.BACKTEST,
            "job-1",
            Duration.ofMinutes(1),
            true,
            null,
            context -> {
              context.progress(new OperationProgress(1, 10L, "records"));
              // At the same instant: shown by the owner, not written.
              context.progress(new OperationProgress(2, 10L, "records"));
              reported.countDown();
              later.await();
              context.progress(new OperationProgress(3, 10L, "records"));
              new CountDownLatch(1).await();
              return null;
            });
    reported.await();
    String peerId = "peer-" + UUID.randomUUID();
    // The peer leads, and the owner is in the group: a live replica's operation.
    Operations peer =
        controlPlane(new TestLeadership(peerId, true, Optional.of(Set.of(ownerId, peerId))));

    assertThat(owner.find(accepted.id()).orElseThrow().progress().done()).isEqualTo(2);
    Operation served = peer.find(accepted.id()).orElseThrow();
    assertThat(served.state()).isEqualTo(OperationState.IN_PROGRESS);
    assertThat(served.replica()).isEqualTo(ownerId);
    assertThat(served.progress()).isEqualTo(new OperationProgress(1, 10L, "records"));
    assertThat(peer.failLeftBehind()).isEmpty();
    assertThat(peer.list())
        .extracting(Operation::state)
        .containsExactly(OperationState.IN_PROGRESS);

    ownerClock.advance(Duration.ofSeconds(1));
    later.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> peer.find(accepted.id()).orElseThrow().progress().done() == 3);

    assertThatThrownBy(() -> peer.cancel(accepted.id()))
        .isInstanceOfSatisfying(
            StateConflictException.class,
            e -> {
              assertThat(e.getMessage()).contains(ownerId);
              assertThat(e.properties()).containsEntry("replica", ownerId);
            });
    assertThat(owner.runsHere(accepted.id())).isTrue();
    assertThat(owner.find(accepted.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);
  }

  @Test
  void anOperationWhoseReplicaLeftTheGroupIsFailedOnceByTheLeaderOnlyNamingThatReplica()
      throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Operation accepted = stop(runsUntilStopped(running));
    running.await();
    operations.close();
    Optional<Set<String>> survivors = Optional.of(Set.of("follower", "leader"));
    Operations follower = controlPlane(new TestLeadership("follower", false, survivors));
    Operations unsure = controlPlane(new TestLeadership("unsure", true, Optional.empty()));

    assertThat(follower.failLeftBehind()).isEmpty();
    assertThat(follower.find(accepted.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);
    assertThat(unsure.failLeftBehind()).as("the group is not known: assumed alive").isEmpty();
    assertThat(unsure.find(accepted.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);

    Operations leader = controlPlane(new TestLeadership("leader", true, survivors));
    leader.failLeftBehind();
    Operation failed = leader.find(accepted.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.failureCause())
        .isEqualTo(AbandonedOperationSettler.interrupted(accepted.replica()))
        .contains(accepted.replica());
    assertThat(leader.failLeftBehind()).as("failed once").isEmpty();
    assertThat(follower.find(accepted.id())).contains(failed);
    assertThat(unsure.find(accepted.id())).contains(failed);
  }

  @Test
  void theLeaderLeavesAnOperationOfAReplicaItHasNotSeenInTheGroupAloneForTheGrace()
      throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Operation accepted = stop(runsUntilStopped(running));
    running.await();
    MutableClock clock = new MutableClock(Instant.now());
    // Its group, as last learnt, lacks the owner: as when the owner has only just started.
    Operations leader =
        controlPlane(
            TestLeadership.alone("leader-" + UUID.randomUUID()), clock, Duration.ofMinutes(1));

    assertThat(leader.failLeftBehind()).isEmpty();
    assertThat(leader.find(accepted.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);

    clock.advance(Duration.ofMinutes(1));
    assertThat(leader.failLeftBehind())
        .extracting(Operation::failureCause)
        .containsExactly(AbandonedOperationSettler.interrupted(accepted.replica()));
  }

  @Test
  void aReplicaBackUnderItsOwnIdFailsWhatItLeftInProgressEvenWhenItDoesNotLead() throws Exception {
    String id = "fixed-" + UUID.randomUUID();
    Operations before = controlPlane(TestLeadership.alone(id));
    CountDownLatch running = new CountDownLatch(1);
    Operation accepted =
        before.start(
            OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), runsUntilStopped(running));
    running.await();
    before.close();

    Operations after =
        controlPlane(new TestLeadership(id, false, Optional.of(Set.of(id, "the-leader"))));

    Operation failed = after.find(accepted.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.failureCause()).isEqualTo(AbandonedOperationSettler.interrupted(id));
  }

  @Test
  void anOperationRecordedInProgressWithoutAReplicaIsFailedByTheFirstReplicaThatLoadsIt() {
    Operation old = InMemoryOperations.inProgress(OperationKind.STOP, null, Instant.now());
    topic(TestKafka.broker().bootstrapServers()).put(old.id(), old);

    Operations follower =
        controlPlane(new TestLeadership("any", false, Optional.of(Set.of("any", "other"))));

    Operation failed = follower.find(old.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.failureCause()).isEqualTo(AbandonedOperationSettler.INTERRUPTED);
  }

  /** A body that counts {@code running} down, then runs until its control plane stops. */
  private static Operations.Body runsUntilStopped(CountDownLatch running) {
    return context -> {
      running.countDown();
      new CountDownLatch(1).await();
      return null;
    };
  }

  private Operation stop(Operations.Body body) {
    return operations.start(OperationKind.STOP, "job-1", Duration.ofMinutes(1), body);
  }

  private Operations controlPlane() {
    return controlPlane(TestKafka.broker().bootstrapServers(), Duration.ofSeconds(10));
  }

  /** Operations as one control plane has them, on this test's topic. */
  private Operations controlPlane(String bootstrap, Duration timeout) {
    // Each one a new process: a replica id of its own, alone in its group.
    return controlPlane(bootstrap, timeout, TestLeadership.alone("replica-" + UUID.randomUUID()));
  }

  private Operations controlPlane(TestLeadership replica) {
    return controlPlane(replica, Clock.systemUTC());
  }

  private Operations controlPlane(TestLeadership replica, Clock clock) {
    return controlPlane(replica, clock, Duration.ZERO);
  }

  private Operations controlPlane(TestLeadership replica, Clock clock, Duration grace) {
    return controlPlane(
        TestKafka.broker().bootstrapServers(), Duration.ofSeconds(10), replica, clock, grace);
  }

  private Operations controlPlane(String bootstrap, Duration timeout, TestLeadership replica) {
    return controlPlane(bootstrap, timeout, replica, Clock.systemUTC(), Duration.ZERO);
  }

  private Operations controlPlane(
      String bootstrap, Duration timeout, TestLeadership replica, Clock clock, Duration grace) {
    OperationStore store = new OperationStore(topic(bootstrap, timeout));
    Operations started =
        new Operations(meters, store, replica, Duration.ofSeconds(1), grace, clock);
    toClose.add(store);
    toClose.add(started);
    return started;
  }

  private CompactedTopic<Operation> topic(String bootstrap) {
    return topic(bootstrap, Duration.ofSeconds(10));
  }

  private CompactedTopic<Operation> topic(String bootstrap, Duration timeout) {
    Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis()));
    KafkaProperties kafka = new KafkaProperties();
    kafka.setBootstrapServers(List.of(bootstrap));
    CompactedTopic<Operation> compacted =
        new CompactedTopic<>(
            topic,
            "operations",
            Operation.class,
            "operations-test",
            (short) 1,
            admin,
            new ReadCommittedConsumers(
                new DefaultKafkaConsumerFactory<>(kafka.buildConsumerProperties())),
            kafka,
            timeout,
            timeout);
    toClose.add(admin);
    toClose.add(compacted);
    return compacted;
  }

  private static Operation awaitEnd(Operations operations, String id) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> operations.find(id).orElseThrow().state() != OperationState.IN_PROGRESS);
    return operations.find(id).orElseThrow();
  }
}
