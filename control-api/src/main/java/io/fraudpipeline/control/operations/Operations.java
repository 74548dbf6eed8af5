package io.fraudpipeline.control.operations;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs long actions in the background and keeps their outcome for {@code GET
 * /api/v1/operations/{id}}. Operations live in memory (bounded); what must outlive the control
 * plane, the savepoints they write, goes to the durable savepoint history.
 */
@Component
public class Operations implements AutoCloseable {

  /** Completed operations are forgotten beyond this many. */
  static final int RETAINED = 200;

  private static final Logger log = LoggerFactory.getLogger(Operations.class);

  /** The body of an operation: does the work, returns the id of a job that replaced the old one. */
  @FunctionalInterface
  public interface Body {
    String run(OperationContext context) throws Exception;
  }

  private final Map<String, Operation> operations = new ConcurrentHashMap<>();
  private final ExecutorService executor;
  private final MeterRegistry meters;
  private final Clock clock;

  @Autowired
  public Operations(MeterRegistry meters) {
    this(meters, Clock.systemUTC());
  }

  Operations(MeterRegistry meters, Clock clock) {
    this.meters = meters;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "operation-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Accepts an operation and starts it; the returned snapshot is IN_PROGRESS. */
  public Operation start(OperationKind kind, String jobId, Duration timeLimit, Body body) {
    Instant now = clock.instant();
    Operation operation =
        new Operation(
            UUID.randomUUID().toString(),
            kind,
            jobId,
            OperationState.IN_PROGRESS,
            now,
            now.plus(timeLimit),
            null,
            null,
            null,
            null);
    operations.put(operation.id(), operation);
    evictOld();
    executor.execute(() -> execute(operation, body));
    return operation;
  }

  public Optional<Operation> find(String id) {
    return Optional.ofNullable(operations.get(id));
  }

  /** Every retained operation, newest first. */
  public List<Operation> list() {
    return operations.values().stream()
        .sorted(Comparator.comparing(Operation::createdAt).reversed())
        .toList();
  }

  private void execute(Operation accepted, Body body) {
    String id = accepted.id();
    Timer.Sample sample = Timer.start(meters);
    OperationContext context =
        new OperationContext() {
          @Override
          public String operationId() {
            return id;
          }

          @Override
          public Instant deadline() {
            return accepted.deadline();
          }

          @Override
          public void savepointWritten(String path) {
            operations.computeIfPresent(id, (k, op) -> op.withSavepointPath(path));
          }
        };
    String newJobId = null;
    Exception failure = null;
    try {
      newJobId = body.run(context);
    } catch (Exception e) {
      failure = e;
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    // The duration is recorded before the outcome is published, so whoever sees the operation
    // ended also sees it counted.
    sample.stop(
        Timer.builder("fraud.operations")
            .description("Duration of long-running job operations, by kind and outcome")
            .tag("kind", accepted.kind().name().toLowerCase(java.util.Locale.ROOT))
            .tag("outcome", failure == null ? "completed" : "failed")
            .register(meters));
    if (failure == null) {
      String replacement = newJobId;
      operations.computeIfPresent(id, (k, op) -> op.completed(clock.instant(), replacement));
      log.info("Operation {} {} on job {} completed", accepted.kind(), id, accepted.jobId());
    } else {
      String cause =
          failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
      operations.computeIfPresent(id, (k, op) -> op.failed(clock.instant(), cause));
      log.warn(
          "Operation {} {} on job {} failed: {}", accepted.kind(), id, accepted.jobId(), cause);
    }
  }

  private void evictOld() {
    if (operations.size() <= RETAINED) {
      return;
    }
    operations.values().stream()
        .filter(op -> op.state() != OperationState.IN_PROGRESS)
        .sorted(Comparator.comparing(Operation::createdAt))
        .limit(operations.size() - RETAINED)
        .forEach(op -> operations.remove(op.id()));
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
