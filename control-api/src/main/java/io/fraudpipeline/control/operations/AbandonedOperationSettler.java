package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.leadership.LeftoverOwnership;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the operations nobody watches any more, since the replica that ran them stopped: by that
 * replica itself when it comes back under the same id, else by the leader once the replica has left
 * the group ({@link LeftoverOwnership}); one recorded before replicas were named, by the first
 * replica that loads it. Unless its work went on without it (an upgrade, a stop, a cancel or a
 * rescale the reconciler carries out on whichever replica leads): then it ends as that work did, as
 * far as an {@link OperationOutcomes} can tell.
 */
final class AbandonedOperationSettler {

  /** Why an operation left in progress by an earlier control plane failed. */
  static final String INTERRUPTED =
      "The control plane stopped while this operation was in progress; check the job's state (GET"
          + " /api/v1/jobs) and the savepoint history (GET /api/v1/savepoints)";

  private static final String STOPPED = "The control plane stopped while this operation was";

  private static final Logger log = LoggerFactory.getLogger(AbandonedOperationSettler.class);

  private final KnownOperations known;
  private final Leadership leadership;
  private final List<OperationOutcomes> outcomes;
  private final Duration abandonedGrace;
  private final Clock clock;
  private final Object abandoning = new Object();

  /**
   * @param abandonedGrace how old another replica's operation must be before this one fails it for
   *     that replica's absence from the group
   * @param outcomes what may tell how the work of an operation whose replica stopped went on
   */
  AbandonedOperationSettler(
      KnownOperations known,
      Leadership leadership,
      List<OperationOutcomes> outcomes,
      Duration abandonedGrace,
      Clock clock) {
    this.known = known;
    this.leadership = leadership;
    this.outcomes = List.copyOf(outcomes);
    this.abandonedGrace = abandonedGrace;
    this.clock = clock;
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
   * The rule by which this replica, as it stands now, acts on what others left behind: with the
   * grace ({@code fraud.operations.abandoned-grace}) that operations and backtest leftovers share.
   */
  LeftoverOwnership leftoverOwnership() {
    return LeftoverOwnership.of(leadership, clock.instant(), abandonedGrace);
  }

  /**
   * An operation of the store as this replica keeps it once loaded: one in progress on a replica
   * that still runs (or may) is left as it is, read again when asked for; one whose replica stopped
   * is ended here if {@link LeftoverOwnership} says so, else by the replica it does (a later {@link
   * #settleLeftBehind}); one recorded before replicas were named is failed at once, as every
   * replica did then.
   */
  Operation restored(Operation operation) {
    if (operation.state() != OperationState.IN_PROGRESS) {
      return operation;
    }
    if (operation.replica() != null) {
      return failsHere(leftoverOwnership(), operation)
          ? leftBehind(operation).orElse(operation)
          : operation;
    }
    Operation interrupted = operation.failed(clock.instant(), INTERRUPTED);
    known.save(interrupted);
    log.warn(
        "Operation {} {} on job {} was in progress when an earlier control plane stopped; it is"
            + " reported as failed",
        operation.kind(),
        operation.id(),
        operation.jobId());
    return interrupted;
  }

  /**
   * Ends the operations in progress whose replica stopped and that {@link LeftoverOwnership} gives
   * this replica, as {@link Operations#failLeftBehind} says.
   *
   * @param recorded reads every operation as last recorded; read once the rule is taken
   * @return the operations it ended
   */
  List<Operation> settleLeftBehind(Supplier<Map<String, Operation>> recorded) {
    LeftoverOwnership ownership = leftoverOwnership();
    return recorded.get().values().stream()
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

  /** Whether this replica fails an operation in progress that its replica may have left. */
  private boolean failsHere(LeftoverOwnership ownership, Operation operation) {
    // Another replica's, not in the group as last learnt, may have started since and taken
    // requests before joining: the grace runs from its creation.
    return ownership.cleansUp(
        known.runsHere(operation.id()), operation.replica(), operation.createdAt());
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
      Operation shown = known.get(recorded.id());
      if (known.runsHere(recorded.id())
          || known.isWithdrawn(recorded.id())
          || recorded.state() != OperationState.IN_PROGRESS
          || (shown != null && shown.state() != OperationState.IN_PROGRESS)) {
        return Optional.empty();
      }
      Operation completed =
          recorded.completed(clock.instant(), outcome.newJobId(), outcome.savepointPath());
      known.write(completed);
      log.info(
          "Operation {} {} on job {} was in progress on replica {}, which stopped; its work was"
              + " done without it: completed{}",
          completed.kind(),
          completed.id(),
          completed.jobId(),
          completed.replica(),
          completed.newJobId() == null ? "" : " (new job " + completed.newJobId() + ")");
      outcomes.forEach(source -> source.settled(completed));
      return Optional.of(completed);
    }
  }

  /**
   * Ends an operation nobody watches any more as FAILED with {@code cause}, as {@link
   * Operations#failAbandoned} says.
   *
   * @return the operation as now recorded, if it ended here
   */
  Optional<Operation> abandon(Operation recorded, String cause) {
    // One at a time, and from what memory has once it has ended: the backtest cleaner and the look
    // for abandoned operations may fail the same one, and the later must not undo a refined cause.
    synchronized (abandoning) {
      Operation shown = known.get(recorded.id());
      Operation current =
          shown != null && shown.state() != OperationState.IN_PROGRESS ? shown : recorded;
      // Failed already because its replica stopped: a cleaner may say more now.
      boolean interrupted =
          current.state() == OperationState.FAILED
              && current.failureCause() != null
              && current.failureCause().startsWith(STOPPED);
      if (known.runsHere(current.id())
          || known.isWithdrawn(current.id())
          || (current.state() != OperationState.IN_PROGRESS && !interrupted)
          || cause.equals(current.failureCause())) {
        return Optional.empty();
      }
      Operation failed =
          current.failed(interrupted ? current.completedAt() : clock.instant(), cause);
      known.write(failed);
      return Optional.of(failed);
    }
  }
}
