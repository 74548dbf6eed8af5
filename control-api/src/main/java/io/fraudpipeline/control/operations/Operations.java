package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.leadership.LeftoverOwnership;
import io.fraudpipeline.control.scheduling.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs long actions in the background and keeps their outcome for {@code GET
 * /api/v1/operations/{id}}: what the rest of the control plane starts, finds, lists, cancels and
 * guards operations through. Every state change is written to the {@link OperationStore} before it
 * is shown ({@link KnownOperations}), so a restarted control plane answers for its predecessor's
 * operations, and every replica for the others' (an operation in progress elsewhere is read from
 * the store, progress included: {@link OperationHistory}). Each runs on the replica that accepted
 * it ({@link OperationRunner}); one still in progress whose replica stopped is ended, since nothing
 * watches it any more, as {@link AbandonedOperationSettler} says. One that must not run beside
 * others (one at a time per job) is claimed first, in the same topic ({@link OperationClaims}).
 */
@Component
public class Operations implements AutoCloseable {

  /** The body of an operation: does the work, returns the id of a job that replaced the old one. */
  @FunctionalInterface
  public interface Body {
    String run(OperationContext context) throws Exception;
  }

  private final KnownOperations known;
  private final OperationRunner runner;
  private final AbandonedOperationSettler settler;
  private final OperationHistory history;
  private final OperationClaims claims;
  private final Duration endFlushTimeout;

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
        outcomes,
        new Backoff(properties.endRetryInitialBackoff(), properties.endRetryMaxBackoff()),
        properties.endFlushTimeout());
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

  /** For tests: an end Kafka missed is written again after 100 ms, then at most every second. */
  Operations(
      MeterRegistry meters,
      OperationStore store,
      Leadership leadership,
      Duration progressInterval,
      Duration abandonedGrace,
      Clock clock,
      List<OperationOutcomes> outcomes) {
    this(
        meters,
        store,
        leadership,
        progressInterval,
        abandonedGrace,
        clock,
        outcomes,
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
        Duration.ofSeconds(5));
  }

  /**
   * @param progressInterval the least time between two writes of an operation's progress to the
   *     store (other replicas serve it from there)
   * @param abandonedGrace how old another replica's operation must be before this one fails it for
   *     that replica's absence from the group
   * @param outcomes what may tell how the work of an operation whose replica stopped went on
   * @param endRetry the wait before each new write of an operation's end Kafka missed, after as
   *     many failed ones in a row
   * @param endFlushTimeout the longest {@link #close()} spends ending its savepoints and writing
   *     those ends once more
   */
  Operations(
      MeterRegistry meters,
      OperationStore store,
      Leadership leadership,
      Duration progressInterval,
      Duration abandonedGrace,
      Clock clock,
      List<OperationOutcomes> outcomes,
      Backoff endRetry,
      Duration endFlushTimeout) {
    String replicaId = leadership.replicaId();
    this.known = new KnownOperations(store, endRetry);
    this.endFlushTimeout = endFlushTimeout;
    this.runner = new OperationRunner(known, replicaId, progressInterval, meters, clock);
    this.settler =
        new AbandonedOperationSettler(known, leadership, outcomes, abandonedGrace, clock);
    this.history = new OperationHistory(known, store, settler, replicaId, clock);
    this.claims = new OperationClaims(known, store, runner);
  }

  /** Accepts an operation and starts it; the returned snapshot is IN_PROGRESS. */
  public Operation start(OperationKind kind, String jobId, Duration timeLimit, Body body) {
    return runner.start(kind, jobId, timeLimit, false, null, null, body);
  }

  /**
   * Accepts an operation that waits for the reconciler to carry out {@code desiredVersion}, and
   * starts it: the version is recorded with it, so another replica can tell how it ended should
   * this one stop ({@link OperationOutcomes}).
   */
  public Operation start(
      OperationKind kind, String jobId, long desiredVersion, Duration timeLimit, Body body) {
    return runner.start(kind, jobId, timeLimit, false, null, desiredVersion, body);
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
    return runner.start(kind, jobId, timeLimit, cancellable, progress, null, body);
  }

  /**
   * The operation as this replica knows it: from memory when it runs here or has ended, else as
   * last recorded (another replica's in progress, one started elsewhere since the load), or from
   * memory while Kafka cannot be read.
   *
   * @throws KafkaUnavailableException when this replica does not know it and has never read the
   *     operations topic
   */
  public Optional<Operation> find(String id) {
    return history.find(id);
  }

  /**
   * Asks an operation in progress to stop early; it ends CANCELLED once its body has stopped.
   *
   * @throws OperationNotFoundException when there is no such operation
   * @throws StateConflictException when it has ended or cannot be cancelled
   */
  public Operation cancel(String id) {
    return runner.cancel(find(id).orElseThrow(() -> new OperationNotFoundException(id)));
  }

  /**
   * Accepts an operation that must not run beside those {@code exclusion} names, on any replica,
   * and holds its place: recorded first, it is refused (409 naming the operation in its way) when
   * one of those was recorded before it and is still in progress ({@link OperationClaims}). The
   * request makes its own changes while it holds the claim, then starts it; a claim closed
   * unstarted is withdrawn.
   *
   * @throws StateConflictException when an operation in its way was recorded first
   * @throws KafkaUnavailableException when the claim cannot be recorded or read back
   */
  public OperationClaim claim(
      OperationKind kind, String jobId, Duration timeLimit, Exclusion exclusion) {
    return claim(kind, jobId, timeLimit, false, null, exclusion);
  }

  /**
   * As {@link #claim(OperationKind, String, Duration, Exclusion)}, with what {@code admission} says
   * of the operations in progress recorded before this one (on any replica) deciding whether it
   * runs.
   *
   * @param cancellable whether {@code DELETE} may cancel it once started
   * @param progress the progress to show from the start (null: none)
   * @throws RuntimeException what {@code admission} refuses it with
   * @throws KafkaUnavailableException when the claim cannot be recorded or read back
   * @throws io.fraudpipeline.control.errors.ShuttingDownException when operations of {@code kind}
   *     were asked to end as this replica shuts down ({@link #endAtShutdown})
   */
  public OperationClaim claim(
      OperationKind kind,
      String jobId,
      Duration timeLimit,
      boolean cancellable,
      OperationProgress progress,
      Admission admission) {
    runner.requireAccepting(kind);
    history.loadPrevious();
    return claims.claim(
        runner.accepted(kind, jobId, timeLimit, progress, null), cancellable, admission);
  }

  /**
   * Fails with 409 naming the operation when one whose kind {@code blocks} is in progress on the
   * job (on any replica, as last read): the quick look before a {@link #claim}, which alone settles
   * a race.
   */
  public void requireNoneInProgress(String jobId, Predicate<OperationKind> blocks) {
    requireNoneInProgress(Exclusion.onJob(jobId, blocks));
  }

  /**
   * Fails with 409 naming the operation when one of {@code kind} is in progress on any job (on any
   * replica, as last read): for operations on the pipeline as a whole, such as an upgrade.
   */
  public void requireNoneInProgress(OperationKind kind) {
    requireNoneInProgress(Exclusion.ofKind(kind));
  }

  /**
   * Fails with {@code exclusion}'s 409 when an operation in its way is in progress (on any replica,
   * as last read): the quick look before a {@link #claim}, which alone settles a race.
   */
  public void requireNoneInProgress(Exclusion exclusion) {
    exclusion.admit(inProgress());
  }

  /**
   * Every retained operation in progress, on any replica, as last read (oldest first): what a quick
   * look before a {@link #claim} checks.
   */
  public List<Operation> inProgress() {
    return list().stream()
        .filter(op -> op.state() == OperationState.IN_PROGRESS)
        .sorted(java.util.Comparator.comparing(Operation::createdAt))
        .toList();
  }

  /** Every retained operation, newest first; those of other replicas as last recorded. */
  public List<Operation> list() {
    return list(Integer.MAX_VALUE);
  }

  /** The newest {@code limit} retained operations, newest first, as {@link #list()}. */
  public List<Operation> list(int limit) {
    return history.list(limit);
  }

  /**
   * The newest {@code limit} retained operations for a client, who must be able to tell "none" from
   * "unknown": as {@link #list(int)}, but refused while the operations topic has never been read,
   * and saying whether it could be read for this answer.
   *
   * @throws KafkaUnavailableException when this replica has never read the operations topic
   */
  public Listing listing(int limit) {
    return history.listing(limit);
  }

  /**
   * Retained operations, newest first.
   *
   * @param stale whether the operations topic could not be read for it: this replica's operations
   *     are current, the others' as last read, and those they started since are missing
   */
  public record Listing(List<Operation> operations, boolean stale) {}

  /** Whether the operation runs in this replica now (started here, not ended). */
  public boolean runsHere(String id) {
    return known.runsHere(id);
  }

  /**
   * Every operation as last recorded, read from the store now (so those other replicas started
   * since this one loaded are in), with this replica's own as it has them in memory.
   *
   * @throws KafkaUnavailableException when Kafka cannot be read
   */
  public Map<String, Operation> recorded() {
    return history.recorded();
  }

  /**
   * Ends an operation nobody watches any more (its replica stopped) as FAILED with {@code cause}:
   * one still recorded in progress, or one already reported interrupted (the cause says more now).
   * One that ended otherwise, or runs here, is left as it is.
   *
   * @return the operation as now recorded, if it is one of those
   */
  public Optional<Operation> failAbandoned(Operation recorded, String cause) {
    // Loaded first, so a load that read the record before this write cannot report it interrupted
    // after it.
    history.loadPrevious();
    return settler.abandon(recorded, cause);
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
    history.loadPrevious();
    return settler.settleLeftBehind(history::recorded);
  }

  /**
   * The rule by which this replica, as it stands now, acts on what others left behind: with the
   * grace ({@code fraud.operations.abandoned-grace}) that operations and backtest leftovers share.
   */
  public LeftoverOwnership leftoverOwnership() {
    return settler.leftoverOwnership();
  }

  /**
   * Asks this replica's operations of {@code kind} in progress to end their work themselves, as the
   * replica shuts down, and waits up to {@code grace} for them: a body that does throws {@link
   * EndedAtShutdown}, and its operation is recorded FAILED with that cause at once, rather than
   * left in progress for another replica to end (as after a crash, which is what happens to one
   * that does not end in time). New operations of {@code kind} are refused from now on: accepted,
   * they would be left to another replica's cleanup at once.
   *
   * @return whether every one of them ended within the grace
   */
  public boolean endAtShutdown(OperationKind kind, Duration grace) throws InterruptedException {
    return runner.endAtShutdown(kind, grace);
  }

  /**
   * Refuses new operations of {@code kind} from now on, as this replica shuts down ({@link
   * io.fraudpipeline.control.errors.ShuttingDownException}): those in progress are left as they
   * are.
   */
  public void refuseNew(OperationKind kind) {
    runner.refuseNew(kind);
  }

  /**
   * Ends this replica's work as it shuts down, within {@code fraud.operations.end-flush-timeout}:
   * asks its savepoints in progress to end themselves (so their cause says the replica shut down,
   * rather than the next replica reporting them interrupted with no more said), then writes the
   * ends Kafka missed once more. A savepoint alone is asked: nothing carries it on elsewhere,
   * whereas the reconciler carries out a stop, cancel, rescale or upgrade on whichever replica
   * leads (their operations are ended as that work ends), and backtests have a grace of their own
   * ({@code fraud.backtests.shutdown-grace}, which may leave them to the backtest cleanup).
   */
  @Override
  public void close() {
    long until = System.nanoTime() + endFlushTimeout.toNanos();
    try {
      runner.endAtShutdown(OperationKind.SAVEPOINT, endFlushTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    known.close(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
    runner.close();
  }
}
