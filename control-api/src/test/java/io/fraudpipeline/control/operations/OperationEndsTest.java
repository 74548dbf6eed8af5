package io.fraudpipeline.control.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.kafka.CompactedTopic;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.scheduling.Backoff;
import io.fraudpipeline.control.support.TestLeadership;
import io.fraudpipeline.embedded.LocalKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * The end of an operation that Kafka missed: two live replicas, the owner's final write lost, and
 * the other replica's claims on the job refused only until Kafka takes that write again.
 */
class OperationEndsTest {

  private static final Exclusion ANY_ON_JOB = Exclusion.onJob("job-1", kind -> true);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final String ownerId = "owner-" + UUID.randomUUID();
  private final String peerId = "peer-" + UUID.randomUUID();

  /** Each in the other's group: both alive, so neither fails the other's operations. */
  private final Optional<Set<String>> group = Optional.of(Set.of(ownerId, peerId));

  /** The store in memory of {@link #onMemory}: what Kafka has. */
  private final Map<String, Operation> records = Collections.synchronizedMap(new LinkedHashMap<>());

  /** While set, a write of a replica on a store in memory fails (Kafka missing it). */
  private final AtomicBoolean writesFail = new AtomicBoolean();

  /** While set, such a write waits (for Kafka's answer) until interrupted, then fails. */
  private final AtomicBoolean hangWrites = new AtomicBoolean();

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void anEndKafkaMissedIsWrittenAgainUntilItLandsAndFreesTheJobForTheOtherReplicas() {
    InMemoryOperations ownerReplica =
        new InMemoryOperations(
            new TestLeadership(ownerId, true, group), Clock.systemUTC(), Duration.ZERO);
    toClose.add(ownerReplica);
    InMemoryOperations peerReplica = ownerReplica.replica(new TestLeadership(peerId, false, group));
    toClose.add(peerReplica);
    Operations owner = ownerReplica.operations();
    Operations peer = peerReplica.operations();

    // Kafka misses the end: the owner knows the savepoint completed, the topic says in progress.
    String id = completedWhileKafkaMisses(owner, () -> ownerReplica.failWrites(true));
    assertThat(ownerReplica.failedWrites()).isPositive();
    assertThat(ownerReplica.recorded(id).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);
    assertThatThrownBy(
            () -> peer.claim(OperationKind.STOP, "job-1", Duration.ofMinutes(1), ANY_ON_JOB))
        .isInstanceOfSatisfying(
            StateConflictException.class,
            e -> assertThat(e.properties()).containsEntry("operation_id", id));

    ownerReplica.failWrites(false);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ownerReplica.recorded(id).orElseThrow().state() == OperationState.COMPLETED);
    peer.claim(OperationKind.STOP, "job-1", Duration.ofMinutes(1), ANY_ON_JOB).close();
    assertThat(peer.find(id).orElseThrow().state()).isEqualTo(OperationState.COMPLETED);
  }

  @Test
  void anEndKafkaMissedIsWrittenOnceMoreAsTheReplicaShutsDown() throws Exception {
    Operations owner = onMemory(Duration.ofSeconds(5));
    String id = completedWhileKafkaMisses(owner, () -> writesFail.set(true));
    assertThat(records.get(id).state()).isEqualTo(OperationState.IN_PROGRESS);
    writesFail.set(false);

    owner.close();

    // Before, the end was dropped: in progress in the topic, holding job-1 for the other replicas
    // until the leader failed it as abandoned.
    assertThat(records.get(id).state()).isEqualTo(OperationState.COMPLETED);
  }

  @Test
  void aShutdownWaitsForKafkaNoLongerThanTheEndFlushTimeout() throws Exception {
    Operations owner = onMemory(Duration.ofMillis(500));
    String id = completedWhileKafkaMisses(owner, () -> writesFail.set(true));
    // Kafka takes no write and does not answer either: each write would wait its full timeout.
    hangWrites.set(true);

    long started = System.nanoTime();
    owner.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(records.get(id).state()).isEqualTo(OperationState.IN_PROGRESS);
  }

  @Test
  void anEndWrittenWhileTheBrokerWasDownIsWrittenOnceItIsBackAndFreesTheJob() throws Exception {
    Path dataDir = Files.createTempDirectory("operation-ends-kafka-");
    LocalKafka kafka = LocalKafka.start(0, dataDir);
    toClose.add(() -> kafka.close());
    int port = URI.create("kafka://" + kafka.bootstrapServers()).getPort();
    String topic = "operation-ends-" + UUID.randomUUID();
    Operations owner =
        onBroker(new TestLeadership(ownerId, true, group), kafka.bootstrapServers(), topic);
    Operations peer =
        onBroker(new TestLeadership(peerId, false, group), kafka.bootstrapServers(), topic);
    CountDownLatch release = new CountDownLatch(1);
    // Tried again while the broker is slow to answer (a loaded machine), as a client would.
    String id =
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptionsInstanceOf(KafkaUnavailableException.class)
            .until(() -> savepointClaimed(owner, release), Objects::nonNull);
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(KafkaUnavailableException.class)
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () ->
                            peer.claim(
                                OperationKind.STOP, "job-1", Duration.ofMinutes(1), ANY_ON_JOB))
                    .isInstanceOfSatisfying(
                        StateConflictException.class,
                        e -> assertThat(e.properties()).containsEntry("operation_id", id)));

    kafka.close();
    release.countDown();
    // Ended in memory once its write has failed (within the topic's timeouts).
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> owner.find(id).orElseThrow().state() == OperationState.COMPLETED);
    LocalKafka restarted = LocalKafka.start(port, dataDir);
    toClose.add(
        () -> {
          restarted.close();
          deleteQuietly(dataDir);
        });

    // Before, the peer answered 409 naming the savepoint for as long as the owner ran.
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(KafkaUnavailableException.class)
        .ignoreExceptionsInstanceOf(StateConflictException.class)
        .until(
            () -> {
              peer.claim(OperationKind.STOP, "job-1", Duration.ofMinutes(1), ANY_ON_JOB).close();
              return true;
            });
    assertThat(peer.find(id).orElseThrow().state()).isEqualTo(OperationState.COMPLETED);
  }

  /**
   * A savepoint of job-1 that {@code owner} claimed and completed once {@code missWrites} made
   * Kafka miss its writes: shown COMPLETED, recorded in progress; its id.
   */
  private static String completedWhileKafkaMisses(Operations owner, Runnable missWrites) {
    CountDownLatch release = new CountDownLatch(1);
    String id = savepointClaimed(owner, release);
    missWrites.run();
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> owner.find(id).orElseThrow().state() == OperationState.COMPLETED);
    return id;
  }

  /** Claims and starts a savepoint of job-1 that runs until {@code release}; its id. */
  private static String savepointClaimed(Operations replica, CountDownLatch release) {
    try (OperationClaim claim =
        replica.claim(OperationKind.SAVEPOINT, "job-1", Duration.ofMinutes(1), ANY_ON_JOB)) {
      return claim
          .start(
              context -> {
                release.await();
                return null;
              })
          .id();
    }
  }

  /**
   * The owner's replica on {@link #records}, whose writes fail while {@link #writesFail} and hang
   * while {@link #hangWrites}; with its own flush timeout for the ends Kafka missed, and no retry
   * before the shutdown (its backoff is longer than the test).
   */
  private Operations onMemory(Duration endFlushTimeout) {
    OperationStore store =
        new OperationStore(null) {
          @Override
          void put(Operation operation) {
            if (hangWrites.get()) {
              try {
                new CountDownLatch(1).await(1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new KafkaUnavailableException("Kafka did not answer within its timeout");
            }
            if (writesFail.get()) {
              throw new KafkaUnavailableException("Kafka did not answer");
            }
            records.put(operation.id(), operation);
          }

          @Override
          void remove(String id) {
            records.remove(id);
          }

          @Override
          Collection<Operation> load() {
            synchronized (records) {
              return List.copyOf(records.values());
            }
          }

          @Override
          public void close() {}
        };
    Operations operations =
        new Operations(
            meters,
            store,
            new TestLeadership(ownerId, true, group),
            Duration.ofSeconds(1),
            Duration.ZERO,
            Clock.systemUTC(),
            List.of(),
            new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(10)),
            endFlushTimeout);
    toClose.add(operations);
    return operations;
  }

  /**
   * A replica on {@code topic} of a real broker, writes and reads timing out after 3 s: a write the
   * stopped broker misses fails that soon.
   */
  private Operations onBroker(TestLeadership leadership, String bootstrap, String topic) {
    Duration timeout = Duration.ofSeconds(3);
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
            "operation-ends-test",
            (short) 1,
            admin,
            new ReadCommittedConsumers(
                new DefaultKafkaConsumerFactory<>(kafka.buildConsumerProperties())),
            kafka,
            timeout,
            timeout);
    OperationStore store = new OperationStore(compacted);
    Operations operations =
        new Operations(
            meters,
            store,
            leadership,
            Duration.ofSeconds(1),
            Duration.ZERO,
            Clock.systemUTC(),
            List.of(),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
            Duration.ofSeconds(5));
    toClose.add(admin);
    toClose.add(compacted);
    toClose.add(store);
    toClose.add(operations);
    return operations;
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // A temporary directory: left to the system.
    }
  }
}
