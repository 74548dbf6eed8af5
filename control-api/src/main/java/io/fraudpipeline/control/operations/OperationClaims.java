package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes "one operation at a time" hold across replicas: a new operation is first recorded in the
 * operations topic, then the topic is read back past it, and it runs only if no operation in its
 * way ({@link Exclusion}) was recorded before it and is still in progress. The topic has one
 * partition, so of two replicas claiming at once both see the same one first: that one runs, the
 * other is withdrawn (a tombstone) and refused naming it. Limits that count (backtests: how many,
 * and Flink's free slots) are held the same way, by an {@link Admission} that counts those before.
 * A claim of a replica that stops before it ends stays in progress in the topic, and is ended as
 * any operation of a stopped replica is ({@link AbandonedOperationSettler}).
 */
final class OperationClaims {

  private static final Logger log = LoggerFactory.getLogger(OperationClaims.class);

  private final KnownOperations known;
  private final OperationStore store;
  private final OperationRunner runner;

  OperationClaims(KnownOperations known, OperationStore store, OperationRunner runner) {
    this.known = known;
    this.store = store;
    this.runner = runner;
  }

  /**
   * @param cancellable whether the operation, once started, may be cancelled ({@link
   *     OperationRunner#run})
   * @throws RuntimeException what {@code admission} refuses it with (e.g. a 409 naming the
   *     operation in its way, recorded first); the claim is withdrawn
   * @throws KafkaUnavailableException when the claim cannot be recorded or read back: without
   *     Kafka, no replica can tell which came first
   */
  OperationClaim claim(Operation accepted, boolean cancellable, Admission admission) {
    // Runs here from now: the look for abandoned operations leaves this replica's claim alone.
    known.started(accepted);
    List<Operation> before;
    try {
      store.put(accepted);
    } catch (KafkaUnavailableException e) {
      // Not withdrawn by a tombstone: Kafka just failed a write, and a second one would keep the
      // request waiting out the same timeout again. Should the claim land after all, the look for
      // abandoned operations fails it, as one this replica no longer runs.
      known.withdrawn(accepted.id(), false);
      throw cannotMakeSure(accepted, e);
    }
    try {
      before = store.readBefore(accepted);
    } catch (KafkaUnavailableException e) {
      withdraw(accepted);
      throw cannotMakeSure(accepted, e);
    }
    List<Operation> inProgress =
        before.stream()
            .map(this::asKnown)
            .filter(op -> op.state() == OperationState.IN_PROGRESS)
            .toList();
    try {
      admission.admit(inProgress);
    } catch (RuntimeException e) {
      withdraw(accepted);
      log.info(
          "Operation {} {} on job {} refused beside the {} in progress recorded before it: {}",
          accepted.kind(),
          accepted.id(),
          accepted.jobId(),
          inProgress.size(),
          e.getMessage());
      throw e;
    }
    return new OperationClaim(this, accepted, cancellable);
  }

  /** The recorded operation, unless this replica ended it and Kafka missed that write. */
  private Operation asKnown(Operation recorded) {
    Operation shown = known.get(recorded.id());
    return shown != null && shown.state() != OperationState.IN_PROGRESS ? shown : recorded;
  }

  Operation start(Operation claimed, boolean cancellable, Operations.Body body) {
    return runner.run(claimed, cancellable, body);
  }

  /**
   * Removes a claim whose operation will not run: from the topic first, while it still runs here
   * (so the look for abandoned operations leaves it alone). Should Kafka miss the tombstone, that
   * look fails the claim later as one this replica no longer runs: left in progress, it would hold
   * the job for every replica.
   */
  void withdraw(Operation claimed) {
    boolean removed;
    try {
      store.remove(claimed.id());
      removed = true;
    } catch (KafkaUnavailableException e) {
      removed = false;
      log.warn(
          "Claim {} of {} on job {} could not be removed; the look for abandoned operations will"
              + " fail it: {}",
          claimed.id(),
          claimed.kind(),
          claimed.jobId(),
          e.getMessage());
    }
    known.withdrawn(claimed.id(), removed);
  }

  private static KafkaUnavailableException cannotMakeSure(
      Operation accepted, KafkaUnavailableException e) {
    return new KafkaUnavailableException(
        "Cannot make sure no other replica runs an operation in the way of this "
            + accepted.kind()
            + ": "
            + e.getMessage(),
        e);
  }
}
