package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.Leadership;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Operations} on a store kept in memory instead of the operations topic, for unit tests of
 * what reads and fails other replicas' operations (the backtest cleaner): a test records an
 * operation as another replica would have written it, and reads back what was written.
 */
public final class InMemoryOperations implements AutoCloseable {

  /** In the order the operations were first written, as the topic's readers see them. */
  private final Map<String, Operation> records;

  private final Operations operations;
  private final Clock clock;
  private final Duration grace;
  private final List<OperationOutcomes> outcomes;
  private volatile boolean writesFail;
  private final AtomicInteger failedWrites = new AtomicInteger();

  /**
   * @param grace {@code fraud.operations.abandoned-grace}
   */
  public InMemoryOperations(Leadership leadership, Clock clock, Duration grace) {
    this(leadership, clock, grace, List.of());
  }

  /**
   * @param outcomes what tells how the work of an operation whose replica stopped went on
   */
  public InMemoryOperations(
      Leadership leadership, Clock clock, Duration grace, List<OperationOutcomes> outcomes) {
    this(Collections.synchronizedMap(new LinkedHashMap<>()), leadership, clock, grace, outcomes);
  }

  private InMemoryOperations(
      Map<String, Operation> records,
      Leadership leadership,
      Clock clock,
      Duration grace,
      List<OperationOutcomes> outcomes) {
    this.records = records;
    this.clock = clock;
    this.grace = grace;
    this.outcomes = outcomes;
    OperationStore store =
        new OperationStore(null) {
          @Override
          void put(Operation operation) {
            if (writesFail) {
              failedWrites.incrementAndGet();
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
    operations =
        new Operations(
            new SimpleMeterRegistry(),
            store,
            leadership,
            Duration.ofSeconds(1),
            grace,
            clock,
            outcomes);
  }

  /**
   * An operation in progress as {@code replica} (null: a record from before replicas were named)
   * wrote it when it accepted it at {@code created}, with a minute to run.
   */
  public static Operation inProgress(OperationKind kind, String replica, Instant created) {
    return inProgress(kind, replica, created, null);
  }

  /**
   * As {@link #inProgress(OperationKind, String, Instant)}, waiting for the reconciler to carry out
   * {@code desiredVersion} (null: none, or a record from before versions were recorded).
   */
  public static Operation inProgress(
      OperationKind kind, String replica, Instant created, Long desiredVersion) {
    return inProgress(kind, "job-1", replica, created, desiredVersion);
  }

  /** As {@link #inProgress(OperationKind, String, Instant, Long)}, on {@code jobId}. */
  public static Operation inProgress(
      OperationKind kind, String jobId, String replica, Instant created, Long desiredVersion) {
    return new Operation(
        UUID.randomUUID().toString(),
        kind,
        jobId,
        OperationState.IN_PROGRESS,
        created,
        created.plusSeconds(60),
        null,
        null,
        null,
        null,
        List.of(),
        null,
        null,
        replica,
        desiredVersion);
  }

  /** Another replica, {@code leadership}'s, on the same store (as on one operations topic). */
  public InMemoryOperations replica(Leadership leadership) {
    return new InMemoryOperations(records, leadership, clock, grace, outcomes);
  }

  public Operations operations() {
    return operations;
  }

  /**
   * While {@code value}, this replica's writes to the store fail as writes Kafka missed (other
   * replicas on the store write on).
   */
  public void failWrites(boolean value) {
    writesFail = value;
  }

  /** How many of this replica's writes failed. */
  public int failedWrites() {
    return failedWrites.get();
  }

  /** Writes an operation to the store, as the replica it names would have. */
  public void record(Operation operation) {
    records.put(operation.id(), operation);
  }

  /** The operation as last written to the store. */
  public Optional<Operation> recorded(String id) {
    return Optional.ofNullable(records.get(id));
  }

  @Override
  public void close() {
    operations.close();
  }
}
