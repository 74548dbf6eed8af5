package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.errors.ShuttingDownException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.scheduling.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Runs the operations this replica accepts, each body on a thread of its own: shows what the body
 * reports ({@link OperationContext}), progress written at most once per progress interval, cancels
 * on request, and ends the operation as its body ended, timed in the {@code fraud.operations}
 * metric.
 */
final class OperationRunner implements AutoCloseable {

  /** Why a cancelled operation ended. */
  static final String CANCELLED = "Cancelled on request (DELETE /api/v1/operations/{id})";

  private static final Logger log = LoggerFactory.getLogger(OperationRunner.class);

  /** How to cancel each cancellable operation still in progress. */
  private final Map<String, Runnable> cancellers = new ConcurrentHashMap<>();

  /** Operations asked to cancel: their end is CANCELLED, however the body ends. */
  private final Set<String> cancelRequested = ConcurrentHashMap.newKeySet();

  /** The bodies running, by operation id: what {@link #endAtShutdown} interrupts. */
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** Operations asked to end themselves as the replica shuts down ({@link #endAtShutdown}). */
  private final Set<String> endingAtShutdown = ConcurrentHashMap.newKeySet();

  /** Kinds this replica takes no more of, as it shuts down ({@link #refuseNew}). */
  private final Set<OperationKind> refused = ConcurrentHashMap.newKeySet();

  private final KnownOperations known;
  private final String replicaId;
  private final Duration progressInterval;
  private final ExecutorService executor;
  private final MeterRegistry meters;
  private final Clock clock;

  /**
   * @param replicaId the replica the operations are recorded as running on
   * @param progressInterval the least time between two writes of an operation's progress to the
   *     store (other replicas serve it from there)
   */
  OperationRunner(
      KnownOperations known,
      String replicaId,
      Duration progressInterval,
      MeterRegistry meters,
      Clock clock) {
    this.known = known;
    this.replicaId = replicaId;
    this.progressInterval = progressInterval;
    this.meters = meters;
    this.clock = clock;
    this.executor = Executors.newCachedThreadPool(DaemonThreads.numbered("operation"));
  }

  /**
   * Accepts an operation and starts it; the returned snapshot is IN_PROGRESS.
   *
   * @param cancellable whether {@code DELETE} may cancel it from the start: a cancel that comes
   *     before the body registers its hook ({@link OperationContext#onCancel}) runs the hook then
   * @param progress the progress to show from the start (null: none)
   * @param desiredVersion the desired-state version it waits for the reconciler to carry out (null:
   *     none)
   */
  Operation start(
      OperationKind kind,
      String jobId,
      Duration timeLimit,
      boolean cancellable,
      OperationProgress progress,
      Long desiredVersion,
      Operations.Body body) {
    return run(accepted(kind, jobId, timeLimit, progress, desiredVersion), cancellable, body);
  }

  /**
   * A new operation as it is accepted, IN_PROGRESS on this replica; not shown, recorded or run yet.
   */
  Operation accepted(
      OperationKind kind,
      String jobId,
      Duration timeLimit,
      OperationProgress progress,
      Long desiredVersion) {
    Instant now = clock.instant();
    return new Operation(
        UUID.randomUUID().toString(),
        kind,
        jobId,
        OperationState.IN_PROGRESS,
        now,
        now.plus(timeLimit),
        null,
        null,
        null,
        null,
        List.of(),
        progress,
        null,
        replicaId,
        desiredVersion);
  }

  /**
   * Shows, records and starts an accepted operation; the returned snapshot is IN_PROGRESS.
   *
   * @throws ShuttingDownException when its kind was asked to end as the replica shuts down
   */
  Operation run(Operation operation, boolean cancellable, Operations.Body body) {
    requireAccepting(operation.kind());
    known.started(operation);
    if (cancellable) {
      cancellers.put(operation.id(), () -> {});
    }
    // Recorded before the request is answered, so an id given out survives this replica's crash
    // (it was written by the body's thread, and a replica killed within that moment left an id
    // every replica answered 404 for). Kafka down costs the request no more than the desired-state
    // write most operations make first, and the operation still runs, from memory.
    boolean recorded = known.saveUnlessClosing(operation);
    executor.execute(() -> execute(operation, recorded, body));
    return operation;
  }

  /**
   * Refuses new operations of {@code kind} from now on ({@link #requireAccepting}), as the replica
   * shuts down.
   */
  void refuseNew(OperationKind kind) {
    refused.add(kind);
  }

  /**
   * Refuses an operation of a kind this replica takes no more of as it shuts down ({@link
   * #refuseNew}, {@link #endAtShutdown}): accepted, it would be left to another replica's cleanup
   * at once.
   *
   * @throws ShuttingDownException when it is such a kind
   */
  void requireAccepting(OperationKind kind) {
    if (refused.contains(kind)) {
      throw new ShuttingDownException(
          "Control-plane replica "
              + replicaId
              + " is shutting down and takes no new "
              + kind.name().toLowerCase(Locale.ROOT)
              + " operations; send the request to another replica",
          Map.of("replica", replicaId));
    }
  }

  /**
   * Asks an operation in progress to stop early; it ends CANCELLED once its body has stopped.
   *
   * @param operation the operation as this replica knows it now
   * @throws StateConflictException when it has ended or cannot be cancelled
   */
  Operation cancel(Operation operation) {
    String id = operation.id();
    if (operation.state() != OperationState.IN_PROGRESS) {
      throw new StateConflictException(
          "Operation " + id + " has already ended (" + operation.state() + ")",
          Map.of("state", operation.state().name()));
    }
    if (!known.runsHere(id)
        && operation.replica() != null
        && !replicaId.equals(operation.replica())) {
      // Only the owner holds what stops the work; it is not forwarded there.
      throw new StateConflictException(
          "Operation "
              + id
              + " runs on control-plane replica "
              + operation.replica()
              + ", which alone can cancel it; send the DELETE to that replica",
          Map.of("replica", operation.replica()));
    }
    Runnable canceller = cancellers.get(id);
    if (canceller == null) {
      throw new StateConflictException(
          "Operations of kind "
              + operation.kind()
              + " cannot be cancelled (only backtests can); wait for it to end",
          Map.of("kind", operation.kind().name()));
    }
    if (cancelRequested.add(id)) {
      log.info("Operation {} {} asked to cancel", operation.kind(), id);
      canceller.run();
    }
    Operation current = known.get(id);
    return current != null ? current : operation;
  }

  /**
   * Asks this replica's operations of {@code kind} in progress to end themselves, as the replica
   * shuts down: interrupts their bodies (which see {@link OperationContext#shuttingDown()}) and
   * waits up to {@code grace} for them to end. A body that ends its work so throws {@link
   * EndedAtShutdown} and its operation is recorded FAILED with that cause; one that does not (or
   * not in time) is left in progress, to be ended by another replica, as after a crash. New
   * operations of {@code kind} are refused from now on ({@link #requireAccepting}).
   *
   * @return whether every one of them ended within the grace
   */
  boolean endAtShutdown(OperationKind kind, Duration grace) throws InterruptedException {
    refuseNew(kind);
    List<Running> ending =
        running.values().stream().filter(r -> r.operation.kind() == kind).toList();
    for (Running body : ending) {
      endingAtShutdown.add(body.operation.id());
      body.interrupt();
    }
    long until = System.nanoTime() + grace.toNanos();
    for (Running body : ending) {
      if (!body.ended.await(until - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  /** A body running on one of the runner's threads. */
  private static final class Running {
    final Operation operation;
    final Thread thread = Thread.currentThread();
    final CountDownLatch ended = new CountDownLatch(1);
    private boolean bodyReturned;

    Running(Operation operation) {
      this.operation = operation;
    }

    /** Interrupts the body, not what the thread does after it (writing the operation's end). */
    synchronized void interrupt() {
      if (!bodyReturned) {
        thread.interrupt();
      }
    }

    synchronized void bodyReturned() {
      bodyReturned = true;
    }
  }

  private void execute(Operation accepted, boolean recorded, Operations.Body body) {
    Running current = new Running(accepted);
    running.put(accepted.id(), current);
    if (refused.contains(accepted.kind())) {
      // Accepted as endAtShutdown looked for the bodies running (it marks the kind first, then
      // looks; this one is put, then looks): ended as those are.
      endingAtShutdown.add(accepted.id());
      current.interrupt();
    }
    try {
      execute(accepted, recorded, body, current);
    } finally {
      running.remove(accepted.id());
      endingAtShutdown.remove(accepted.id());
      current.ended.countDown();
    }
  }

  private void execute(
      Operation accepted, boolean recorded, Operations.Body body, Running current) {
    String id = accepted.id();
    Timer.Sample sample = Timer.start(meters);
    known.evictOld(recorded);
    String newJobId = null;
    Exception failure = null;
    try {
      newJobId = body.run(new Context(accepted));
    } catch (Exception e) {
      failure = e;
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      current.bodyReturned();
    }
    // The duration is recorded before the outcome is published, so whoever sees the operation
    // ended also sees it counted.
    sample.stop(
        Timer.builder("fraud.operations")
            .description("Duration of long-running job operations, by kind and outcome")
            .tag("kind", accepted.kind().name().toLowerCase(Locale.ROOT))
            .tag(
                "outcome",
                cancelRequested.contains(id)
                    ? "cancelled"
                    : failure == null ? "completed" : "failed")
            .register(meters));
    cancellers.remove(id);
    if (cancelRequested.remove(id)) {
      known.update(id, op -> op.cancelled(clock.instant(), CANCELLED));
      log.info("Operation {} {} on job {} cancelled", accepted.kind(), id, accepted.jobId());
    } else if (failure == null) {
      String replacement = newJobId;
      known.update(id, op -> op.completed(clock.instant(), replacement));
      log.info("Operation {} {} on job {} completed", accepted.kind(), id, accepted.jobId());
    } else if (failure instanceof EndedAtShutdown planned) {
      known.update(id, op -> op.failed(clock.instant(), planned.getMessage()));
      log.info(
          "Operation {} {} on job {} ended as the replica shuts down: {}",
          accepted.kind(),
          id,
          accepted.jobId(),
          planned.getMessage());
    } else if (endingAtShutdown.contains(id)) {
      // Asked to end as the replica shuts down, the body did not end itself: its failure may be
      // the interruption's own (an InterruptedException, a wait that says it was cut short), which
      // says nothing of its work. Shown, not written: another replica ends it, as after a crash.
      String cause = causeOf(failure);
      known.show(id, op -> op.failed(clock.instant(), cause));
      log.info(
          "Operation {} {} on job {} left in progress as the replica shuts down: {}",
          accepted.kind(),
          id,
          accepted.jobId(),
          cause);
    } else {
      String cause = causeOf(failure);
      known.update(id, op -> op.failed(clock.instant(), cause));
      log.warn(
          "Operation {} {} on job {} failed: {}", accepted.kind(), id, accepted.jobId(), cause);
    }
    // Ended in memory first: whoever sees it no longer runs here sees its end.
    known.ended(id);
  }

  private static String causeOf(Exception failure) {
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }

  /** What the body of one operation reports through, on the body's thread. */
  private final class Context implements OperationContext {

    private final Operation accepted;
    private final String id;

    /** When progress was last written to the store; only the body's thread reads it. */
    private Instant progressWritten = Instant.MIN;

    Context(Operation accepted) {
      this.accepted = accepted;
      this.id = accepted.id();
    }

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
      known.update(id, op -> op.withSavepointPath(path));
    }

    @Override
    public void step(String message) {
      OperationStep step = new OperationStep(clock.instant(), message);
      known.update(id, op -> op.withStep(step));
    }

    @Override
    public void progress(OperationProgress progress) {
      Instant now = clock.instant();
      // Throttled: other replicas serve it from the store, but it may change many times a second.
      if (now.isBefore(progressWritten.plus(progressInterval))) {
        known.show(id, op -> op.withProgress(progress));
        return;
      }
      progressWritten = now;
      known.update(id, op -> op.withProgress(progress));
    }

    @Override
    public void result(JsonNode result) {
      known.show(id, op -> op.withResult(result));
    }

    @Override
    public void onCancel(Runnable cancel) {
      cancellers.put(id, cancel);
      if (cancelRequested.contains(id)) {
        cancel.run();
      }
    }

    @Override
    public boolean cancelRequested() {
      return cancelRequested.contains(id);
    }

    @Override
    public boolean shuttingDown() {
      return endingAtShutdown.contains(id);
    }

    @Override
    public String replica() {
      return replicaId;
    }
  }

  /** Interrupts the bodies still running. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
