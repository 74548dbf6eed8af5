package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.leadership.LeftoverOwnership;
import io.fraudpipeline.control.scheduling.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs long actions in the background and keeps their outcome for {@code GET
 * /api/v1/operations/{id}}. Every state change is written to the {@link OperationStore} before it
 * is shown, so a restarted control plane answers for its predecessor's operations, and every
 * replica for the others' (an operation in progress elsewhere is read from the store, progress
 * included). One still in progress whose replica stopped is reported as failed, since nothing
 * watches it any more: by that replica itself when it comes back under the same id, else by the
 * leader once the replica has left the group ({@link LeftoverOwnership}); one recorded before
 * replicas were named, by the first replica that loads it. Unless its work went on without it (an
 * upgrade, a stop or a cancel the reconciler carries out on whichever replica leads): then it ends
 * as that work did, as far as an {@link OperationOutcomes} can tell.
 */
@Component
public class Operations implements AutoCloseable {

  /** Completed operations are forgotten beyond this many. */
  static final int RETAINED = 200;

  /** Why an operation left in progress by an earlier control plane failed. */
  static final String INTERRUPTED =
      "The control plane stopped while this operation was in progress; check the job's state (GET"
          + " /api/v1/jobs) and the savepoint history (GET /api/v1/savepoints)";

  private static final String STOPPED = "The control plane stopped while this operation was";

  /** Why a cancelled operation ended. */
  static final String CANCELLED = "Cancelled on request (DELETE /api/v1/operations/{id})";

  /**
   * A failed load of the operations of earlier control planes is tried again on a later request,
   * but not sooner than this: while Kafka is down each try waits for its timeout
   * (fraud.topics.read-timeout). Short, since a replica that never loaded them answers 503 for the
   * list until it has: at 30 s, it did so for up to 30 s after Kafka was back.
   */
  private static final Duration LOAD_RETRY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(Operations.class);

  /** The body of an operation: does the work, returns the id of a job that replaced the old one. */
  @FunctionalInterface
  public interface Body {
    String run(OperationContext context) throws Exception;
  }

  private final Map<String, Operation> operations = new ConcurrentHashMap<>();

  /** How to cancel each cancellable operation still in progress. */
  private final Map<String, Runnable> cancellers = new ConcurrentHashMap<>();

  /** The operations this process started whose body has not ended. */
  private final Set<String> started = ConcurrentHashMap.newKeySet();

  /** Operations asked to cancel: their end is CANCELLED, however the body ends. */
  private final Set<String> cancelRequested = ConcurrentHashMap.newKeySet();

  private final OperationStore store;
  private final Leadership leadership;
  private final List<OperationOutcomes> outcomes;
  private final String replicaId;
  private final Duration progressInterval;
  private final Duration abandonedGrace;
  private final ExecutorService executor;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Object loading = new Object();
  private final Object abandoning = new Object();
  private volatile boolean loaded;

  /** Why the last load of the operations topic failed, while none has succeeded. */
  private volatile String loadFailure = "not read yet";

  private Instant nextLoad = Instant.MIN;
  private volatile Instant nextRead = Instant.MIN;
  private volatile boolean closed;

  @Autowired
  Operations(
      MeterRegistry meters,
      OperationStore store,
      Leadership leadership,
      OperationsProperties properties,
      List<OperationOutcomes> outcomes) {
    this(
        meters,
        store,
        leadership,
        properties.progressInterval(),
        properties.abandonedGrace(),
        Clock.systemUTC(),
        outcomes);
  }

  Operations(
      MeterRegistry meters,
      OperationStore store,
      Leadership leadership,
      Duration progressInterval,
      Duration abandonedGrace,
      Clock clock) {
    this(meters, store, leadership, progressInterval, abandonedGrace, clock, List.of());
  }

  /**
   * @param progressInterval the least time between two writes of an operation's progress to the
   *     store (other replicas serve it from there)
   * @param abandonedGrace how old another replica's operation must be before this one fails it for
   *     that replica's absence from the group
   * @param outcomes what may tell how the work of an operation whose replica stopped went on
   */
  Operations(
      MeterRegistry meters,
      OperationStore store,
      Leadership leadership,
      Duration progressInterval,
      Duration abandonedGrace,
      Clock clock,
      List<OperationOutcomes> outcomes) {
    this.meters = meters;
    this.store = store;
    this.leadership = leadership;
    this.outcomes = List.copyOf(outcomes);
    this.replicaId = leadership.replicaId();
    this.progressInterval = progressInterval;
    this.abandonedGrace = abandonedGrace;
    this.clock = clock;
    this.executor = Executors.newCachedThreadPool(DaemonThreads.numbered("operation"));
  }

  /** Accepts an operation and starts it; the returned snapshot is IN_PROGRESS. */
  public Operation start(OperationKind kind, String jobId, Duration timeLimit, Body body) {
    return start(kind, jobId, timeLimit, false, null, body);
  }

  /**
   * Accepts an operation that waits for the reconciler to carry out {@code desiredVersion}, and
   * starts it: the version is recorded with it, so another replica can tell how it ended should
   * this one stop ({@link OperationOutcomes}).
   */
  public Operation start(
      OperationKind kind, String jobId, long desiredVersion, Duration timeLimit, Body body) {
    return start(kind, jobId, timeLimit, false, null, desiredVersion, body);
  }

  /**
   * Accepts an operation and starts it.
   *
   * @param cancellable whether {@code DELETE} may cancel it from the start: a cancel that comes
   *     before the body registers its hook ({@link OperationContext#onCancel}) runs the hook then
   * @param progress the progress to show from the start (null: none)
   */
  public Operation start(
      OperationKind kind,
      String jobId,
      Duration timeLimit,
      boolean cancellable,
      OperationProgress progress,
      Body body) {
    return start(kind, jobId, timeLimit, cancellable, progress, null, body);
  }

  private Operation start(
      OperationKind kind,
      String jobId,
      Duration timeLimit,
      boolean cancellable,
      OperationProgress progress,
      Long desiredVersion,
      Body body) {
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
            null,
            List.of(),
            progress,
            null,
            replicaId,
            desiredVersion);
    started.add(operation.id());
    operations.put(operation.id(), operation);
    if (cancellable) {
      cancellers.put(operation.id(), () -> {});
    }
    // Recorded before the request is answered, so an id given out survives this replica's crash
    // (it was written by the body's thread, and a replica killed within that moment left an id
    // every replica answered 404 for). Kafka down costs the request no more than the desired-state
    // write most operations make first, and the operation still runs, from memory.
    boolean recorded = !closed && store.save(operation);
    executor.execute(() -> execute(operation, recorded, body));
    return operation;
  }

  /**
   * The operation as this replica knows it: from memory when it runs here or has ended, else as
   * last recorded (another replica's in progress, one started elsewhere since the load), or from
   * memory while Kafka cannot be read.
   */
  public Optional<Operation> find(String id) {
    loadPrevious();
    Operation known = operations.get(id);
    if (known != null && (known.state() != OperationState.IN_PROGRESS || runsHere(id))) {
      return Optional.of(known);
    }
    if (known == null) {
      // Not found by a replica that never read the topic is not "no such operation".
      requireLoaded();
    }
    return readStore()
        .map(all -> all.get(id))
        .map(this::refreshed)
        .or(() -> Optional.ofNullable(known));
  }

  /**
   * @throws KafkaUnavailableException when the operations topic has never been read, so this
   *     replica knows none but its own
   */
  private void requireLoaded() {
    if (!loaded) {
      throw new KafkaUnavailableException(
          "Kafka did not answer reading the operations (this replica has not read them since it"
              + " started): "
              + loadFailure);
    }
  }

  /**
   * Every operation in the store now, or empty while Kafka cannot be read (then not asked again for
   * {@link #LOAD_RETRY}: each try waits for its timeout, and memory can answer meanwhile).
   */
  private Optional<Map<String, Operation>> readStore() {
    if (clock.instant().isBefore(nextRead)) {
      return Optional.empty();
    }
    try {
      return Optional.of(loadById());
    } catch (KafkaUnavailableException e) {
      nextRead = clock.instant().plus(LOAD_RETRY);
      log.warn(
          "Cannot read the operations of other replicas, serving them from memory for {}: {}",
          LOAD_RETRY,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Every operation in the store, by id. */
  private Map<String, Operation> loadById() {
    Map<String, Operation> all = new HashMap<>();
    store.load().forEach(op -> all.put(op.id(), op));
    return all;
  }

  /** Keeps a record read from the store in memory, unless memory knows better. */
  private Operation refreshed(Operation recorded) {
    return operations.compute(
        recorded.id(),
        (id, known) ->
            known != null
                    && (runsHere(known)
                        // Ended here (e.g. failed as abandoned) while Kafka missed the write.
                        || (known.state() != OperationState.IN_PROGRESS
                            && recorded.state() == OperationState.IN_PROGRESS))
                ? known
                : recorded);
  }

  /**
   * Asks an operation in progress to stop early; it ends CANCELLED once its body has stopped.
   *
   * @throws OperationNotFoundException when there is no such operation
   * @throws StateConflictException when it has ended or cannot be cancelled
   */
  public Operation cancel(String id) {
    Operation operation = find(id).orElseThrow(() -> new OperationNotFoundException(id));
    if (operation.state() != OperationState.IN_PROGRESS) {
      throw new StateConflictException(
          "Operation " + id + " has already ended (" + operation.state() + ")",
          Map.of("state", operation.state().name()));
    }
    if (!runsHere(id) && operation.replica() != null && !replicaId.equals(operation.replica())) {
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
    return operations.getOrDefault(id, operation);
  }

  /**
   * Fails with 409 naming the operation when one whose kind {@code blocks} is in progress on the
   * job (on any replica).
   */
  public void requireNoneInProgress(String jobId, Predicate<OperationKind> blocks) {
    list().stream()
        .filter(
            op ->
                op.state() == OperationState.IN_PROGRESS
                    && jobId.equals(op.jobId())
                    && blocks.test(op.kind()))
        .findFirst()
        .ifPresent(
            op -> {
              throw new StateConflictException(
                  "Operation " + op.id() + " (" + op.kind() + ") is in progress on job " + jobId,
                  Map.of("operation_id", op.id()));
            });
  }

  /**
   * Fails with 409 naming the operation when one of {@code kind} is in progress on any job (on any
   * replica): for operations on the pipeline as a whole, such as an upgrade.
   */
  public void requireNoneInProgress(OperationKind kind) {
    list().stream()
        .filter(op -> op.state() == OperationState.IN_PROGRESS && op.kind() == kind)
        .findFirst()
        .ifPresent(
            op -> {
              throw new StateConflictException(
                  "Operation "
                      + op.id()
                      + " ("
                      + op.kind()
                      + ") is in progress; wait for it to end (GET /api/v1/operations/"
                      + op.id()
                      + ")",
                  Map.of("operation_id", op.id()));
            });
  }

  /** Every retained operation, newest first; those of other replicas as last recorded. */
  public List<Operation> list() {
    return list(Integer.MAX_VALUE);
  }

  /** The newest {@code limit} retained operations, newest first, as {@link #list()}. */
  public List<Operation> list(int limit) {
    loadPrevious();
    refresh();
    return newest(limit);
  }

  /**
   * The newest {@code limit} retained operations for a client, who must be able to tell "none" from
   * "unknown": as {@link #list(int)}, but refused while the operations topic has never been read,
   * and saying whether it could be read for this answer.
   *
   * @throws KafkaUnavailableException when this replica has never read the operations topic
   */
  public Listing listing(int limit) {
    loadPrevious();
    requireLoaded();
    boolean read = refresh();
    return new Listing(newest(limit), !read);
  }

  /**
   * Retained operations, newest first.
   *
   * @param stale whether the operations topic could not be read for it: this replica's operations
   *     are current, the others' as last read, and those they started since are missing
   */
  public record Listing(List<Operation> operations, boolean stale) {}

  /** Takes in the store's records; says whether it could be read. */
  private boolean refresh() {
    Optional<Map<String, Operation>> read = readStore();
    read.ifPresent(
        all -> {
          all.values().forEach(this::refreshed);
          evictOld(true);
        });
    return read.isPresent();
  }

  private List<Operation> newest(int limit) {
    return operations.values().stream()
        .sorted(Comparator.comparing(Operation::createdAt).reversed())
        .limit(limit)
        .toList();
  }

  /** Whether the operation runs in this replica now (started here, not ended). */
  public boolean runsHere(String id) {
    Operation operation = operations.get(id);
    return operation != null && runsHere(operation);
  }

  private boolean runsHere(Operation known) {
    // Started by this process, not merely of its replica id: one a replica left in progress before
    // it restarted under the same id stays in progress while its work is under way
    // (OperationOutcomes), and this process does not run it.
    return known.state() == OperationState.IN_PROGRESS && started.contains(known.id());
  }

  /**
   * Every operation as last recorded, read from the store now (so those other replicas started
   * since this one loaded are in), with this replica's own as it has them in memory.
   *
   * @throws KafkaUnavailableException when Kafka cannot be read
   */
  public Map<String, Operation> recorded() {
    Map<String, Operation> all = loadById();
    operations.values().stream()
        .filter(op -> replicaId.equals(op.replica()))
        .forEach(op -> all.put(op.id(), op));
    return all;
  }

  /**
   * Ends an operation nobody watches any more (its replica stopped) as FAILED with {@code cause}:
   * one still recorded in progress, or one already reported {@link #INTERRUPTED} (the cause says
   * more now). One that ended otherwise, or runs here, is left as it is.
   *
   * @return the operation as now recorded, if it is one of those
   */
  public Optional<Operation> failAbandoned(Operation recorded, String cause) {
    // Loaded first, so a load that read the record before this write cannot report it interrupted
    // after it.
    loadPrevious();
    return abandon(recorded, cause);
  }

  /**
   * Ends the operations in progress whose replica stopped and that {@link LeftoverOwnership} gives
   * this replica (its own from before a restart; the leader: those whose replica left the group):
   * as their work ended when an {@link OperationOutcomes} can tell, else failed, saying which
   * replica ran them. One whose work is still under way is left in progress until its deadline.
   *
   * @return the operations it ended
   * @throws KafkaUnavailableException when Kafka cannot be read
   */
  public List<Operation> failLeftBehind() {
    loadPrevious();
    LeftoverOwnership ownership = leftoverOwnership();
    return recorded().values().stream()
        .filter(op -> op.state() == OperationState.IN_PROGRESS && op.replica() != null)
        .filter(op -> failsHere(ownership, op))
        .flatMap(op -> leftBehind(op).stream())
        .toList();
  }

  /**
   * Ends an operation its replica left in progress: as its work ended when an {@link
   * OperationOutcomes} can tell; left in progress while that work is still under way, until its
   * deadline (its body would have given up then too); else failed, saying its replica stopped.
   *
   * @return the operation as now recorded, if it ended here
   */
  private Optional<Operation> leftBehind(Operation operation) {
    Optional<OperationOutcomes.Outcome> outcome = outcomeOf(operation);
    String cause = interrupted(operation.replica());
    if (outcome.orElse(null) instanceof OperationOutcomes.Completed completed) {
      return settle(operation, completed);
    }
    if (outcome.orElse(null) instanceof OperationOutcomes.Failed failed) {
      Optional<Operation> ended = abandon(operation, failed.cause());
      ended.ifPresent(
          op ->
              log.warn(
                  "Operation {} {} on job {} was in progress on replica {}, which stopped; its work"
                      + " failed without it: {}",
                  op.kind(),
                  op.id(),
                  op.jobId(),
                  op.replica(),
                  failed.cause()));
      return ended;
    }
    if (outcome.orElse(null) instanceof OperationOutcomes.UnderWay underWay) {
      if (clock.instant().isBefore(operation.deadline())) {
        // Left to a later look (every fraud.operations.abandoned-check-interval): failed now, a
        // client would be told an upgrade failed that may yet succeed.
        log.debug(
            "Operation {} {} of stopped replica {} left in progress: {}",
            operation.kind(),
            operation.id(),
            operation.replica(),
            underWay.where());
        return Optional.empty();
      }
      cause = cause + ". By its deadline, " + underWay.where();
    }
    Optional<Operation> failed = abandon(operation, cause);
    failed.ifPresent(
        op ->
            log.warn(
                "Operation {} {} on job {} was in progress on replica {}, which stopped; it is"
                    + " reported as failed",
                op.kind(),
                op.id(),
                op.jobId(),
                op.replica()));
    return failed;
  }

  /**
   * The rule by which this replica, as it stands now, acts on what others left behind: with the
   * grace ({@code fraud.operations.abandoned-grace}) that operations and backtest leftovers share.
   */
  public LeftoverOwnership leftoverOwnership() {
    return LeftoverOwnership.of(leadership, clock.instant(), abandonedGrace);
  }

  /** Whether this replica fails an operation in progress that its replica may have left. */
  private boolean failsHere(LeftoverOwnership ownership, Operation operation) {
    // Another replica's, not in the group as last learnt, may have started since and taken
    // requests before joining: the grace runs from its creation.
    return ownership.cleansUp(runsHere(operation.id()), operation.replica(), operation.createdAt());
  }

  /** Why an operation failed whose replica stopped while it was in progress. */
  static String interrupted(String replica) {
    return STOPPED
        + " in progress on it (replica "
        + replica
        + "); check the job's state (GET /api/v1/jobs) and the savepoint history (GET"
        + " /api/v1/savepoints)";
  }

  /**
   * What the first {@link OperationOutcomes} that answers tells of an abandoned operation. One that
   * throws cannot tell now: asked again at the next look, as for work under way.
   */
  private Optional<OperationOutcomes.Outcome> outcomeOf(Operation operation) {
    for (OperationOutcomes source : outcomes) {
      try {
        Optional<OperationOutcomes.Outcome> outcome = source.outcomeOf(operation);
        if (outcome.isPresent()) {
          return outcome;
        }
      } catch (RuntimeException e) {
        log.info(
            "Cannot tell yet how operation {} {} ended: {}",
            operation.kind(),
            operation.id(),
            e.getMessage());
        return Optional.of(
            new OperationOutcomes.UnderWay("its outcome could not be learnt: " + e.getMessage()));
      }
    }
    return Optional.empty();
  }

  /** Completes an operation its replica left in progress, whose work was done without it. */
  private Optional<Operation> settle(Operation recorded, OperationOutcomes.Completed outcome) {
    // Under the same lock as a failure: whichever ends it first, the other leaves it as it is.
    synchronized (abandoning) {
      Operation known = operations.get(recorded.id());
      if (runsHere(recorded.id())
          || recorded.state() != OperationState.IN_PROGRESS
          || (known != null && known.state() != OperationState.IN_PROGRESS)) {
        return Optional.empty();
      }
      Operation completed =
          recorded.completed(clock.instant(), outcome.newJobId(), outcome.savepointPath());
      store.save(completed);
      operations.put(completed.id(), completed);
      log.info(
          "Operation {} {} on job {} was in progress on replica {}, which stopped; its work was"
              + " done without it: completed{}",
          completed.kind(),
          completed.id(),
          completed.jobId(),
          completed.replica(),
          completed.newJobId() == null ? "" : " (new job " + completed.newJobId() + ")");
      return Optional.of(completed);
    }
  }

  private Optional<Operation> abandon(Operation recorded, String cause) {
    // One at a time, and from what memory has once it has ended: the backtest cleaner and the look
    // for abandoned operations may fail the same one, and the later must not undo a refined cause.
    synchronized (abandoning) {
      Operation known = operations.get(recorded.id());
      Operation current =
          known != null && known.state() != OperationState.IN_PROGRESS ? known : recorded;
      // Failed already because its replica stopped: a cleaner may say more now.
      boolean interrupted =
          current.state() == OperationState.FAILED
              && current.failureCause() != null
              && current.failureCause().startsWith(STOPPED);
      if (runsHere(current.id())
          || (current.state() != OperationState.IN_PROGRESS && !interrupted)
          || cause.equals(current.failureCause())) {
        return Optional.empty();
      }
      Operation failed =
          current.failed(interrupted ? current.completedAt() : clock.instant(), cause);
      store.save(failed);
      operations.put(failed.id(), failed);
      return Optional.of(failed);
    }
  }

  private void execute(Operation accepted, boolean recorded, Body body) {
    String id = accepted.id();
    Timer.Sample sample = Timer.start(meters);
    evictOld(recorded);
    OperationContext context =
        new OperationContext() {
          /** When progress was last written to the store; only the body's thread reads it. */
          private Instant progressWritten = Instant.MIN;

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
            update(id, op -> op.withSavepointPath(path));
          }

          @Override
          public void step(String message) {
            OperationStep step = new OperationStep(clock.instant(), message);
            update(id, op -> op.withStep(step));
          }

          @Override
          public void progress(OperationProgress progress) {
            Instant now = clock.instant();
            // Throttled: other replicas serve it from the store, but it may change many times a
            // second.
            if (now.isBefore(progressWritten.plus(progressInterval))) {
              operations.computeIfPresent(id, (k, op) -> op.withProgress(progress));
              return;
            }
            progressWritten = now;
            update(id, op -> op.withProgress(progress));
          }

          @Override
          public void result(tools.jackson.databind.JsonNode result) {
            operations.computeIfPresent(id, (k, op) -> op.withResult(result));
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
            .tag(
                "outcome",
                cancelRequested.contains(id)
                    ? "cancelled"
                    : failure == null ? "completed" : "failed")
            .register(meters));
    cancellers.remove(id);
    if (cancelRequested.remove(id)) {
      update(id, op -> op.cancelled(clock.instant(), CANCELLED));
      log.info("Operation {} {} on job {} cancelled", accepted.kind(), id, accepted.jobId());
    } else if (failure == null) {
      String replacement = newJobId;
      update(id, op -> op.completed(clock.instant(), replacement));
      log.info("Operation {} {} on job {} completed", accepted.kind(), id, accepted.jobId());
    } else {
      String cause =
          failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
      update(id, op -> op.failed(clock.instant(), cause));
      log.warn(
          "Operation {} {} on job {} failed: {}", accepted.kind(), id, accepted.jobId(), cause);
    }
    // Ended in memory first: whoever sees it no longer runs here sees its end.
    started.remove(id);
  }

  /**
   * Writes an operation's new state, then shows it: whoever saw it here finds it again after a
   * restart (unless Kafka was down). Only the operation's own thread changes it while it runs.
   */
  private void update(String id, UnaryOperator<Operation> change) {
    Operation current = operations.get(id);
    if (current == null) {
      return;
    }
    Operation next = change.apply(current);
    // Once this control plane is closing, the interrupted operation is left in progress in the
    // topic: the next one reports it with a cause that says what happened.
    if (!closed) {
      store.save(next);
    }
    operations.replace(id, next);
  }

  /**
   * Loads the operations of earlier control planes once. Kafka being down leaves them out (and this
   * control plane's own served from memory) until a later call succeeds.
   */
  private void loadPrevious() {
    if (loaded) {
      return;
    }
    synchronized (loading) {
      if (loaded || clock.instant().isBefore(nextLoad)) {
        return;
      }
      Collection<Operation> previous;
      try {
        previous = store.load();
      } catch (KafkaUnavailableException e) {
        loadFailure = e.getMessage();
        nextLoad = clock.instant().plus(LOAD_RETRY);
        log.warn(
            "Cannot load the operations of earlier control planes, trying again in {}: {}",
            LOAD_RETRY,
            e.getMessage());
        return;
      }
      for (Operation operation : previous) {
        // This control plane's own operations may already be in the topic: memory is newer.
        if (!operations.containsKey(operation.id())) {
          operations.putIfAbsent(operation.id(), restored(operation));
        }
      }
      loaded = true;
    }
    evictOld(true);
  }

  /**
   * An operation of the store as this replica keeps it: one in progress on a replica that still
   * runs (or may) is left as it is, read again when asked for; one whose replica stopped is failed
   * here if {@link LeftoverOwnership} says so, else by the replica it does (a later {@link
   * #failLeftBehind}); one recorded before replicas were named is failed at once, as every replica
   * did then.
   */
  private Operation restored(Operation operation) {
    if (operation.state() != OperationState.IN_PROGRESS) {
      return operation;
    }
    if (operation.replica() != null) {
      return failsHere(leftoverOwnership(), operation)
          ? leftBehind(operation).orElse(operation)
          : operation;
    }
    Operation interrupted = operation.failed(clock.instant(), INTERRUPTED);
    store.save(interrupted);
    log.warn(
        "Operation {} {} on job {} was in progress when an earlier control plane stopped; it is"
            + " reported as failed",
        operation.kind(),
        operation.id(),
        operation.jobId());
    return interrupted;
  }

  /**
   * Forgets the oldest ended operations beyond {@link #RETAINED}, in the topic too unless Kafka
   * just failed to answer (a later load evicts them again, without waiting on Kafka twice now).
   */
  private void evictOld(boolean fromTopicToo) {
    int excess = operations.size() - RETAINED;
    if (excess <= 0) {
      return;
    }
    operations.values().stream()
        .filter(op -> op.state() != OperationState.IN_PROGRESS)
        .sorted(Comparator.comparing(Operation::createdAt))
        .limit(excess)
        .toList()
        .forEach(
            op -> {
              if (operations.remove(op.id(), op) && fromTopicToo && !closed) {
                store.forget(op.id());
              }
            });
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }
}
