package io.fraudpipeline.control.operations;

import java.util.Optional;

/**
 * Tells what became of an operation whose replica stopped while it was in progress, for the kinds
 * whose work goes on without it: an upgrade, a stop, a cancel or a rescale only wait for the
 * reconciler, which the next leader runs on. Without this, {@link AbandonedOperationSettler} fails
 * such an operation as interrupted even when the work succeeded, and a client waiting on it (the
 * documented way) is told so. (A backtest's answer leaves it to the backtest cleanup, which ends it
 * with a cause of its own.) Implemented by the capability that runs the kind (so this package needs
 * none of them), each answering only for its own kinds and only from what it knows exactly, never
 * from a guess.
 */
public interface OperationOutcomes {

  /**
   * What became of {@code abandoned}, an operation still recorded in progress on a replica that
   * stopped.
   *
   * @return empty when this does not answer for its kind or cannot tell (it is then failed as
   *     interrupted, as before)
   */
  Optional<Outcome> outcomeOf(Operation abandoned);

  /**
   * Told once {@code completed}, an abandoned operation, was recorded COMPLETED from an {@link
   * #outcomeOf} answer, by the replica that recorded it: for what its work would have told as it
   * ended and its replica, stopped, could not (e.g. the event naming the job a rescale deployed).
   * Each implementation acts on its own kinds only, and never throws. Nothing by default.
   */
  default void settled(Operation completed) {}

  /** How an abandoned operation's work went on without it. */
  sealed interface Outcome {}

  /**
   * Its work was done: the operation completes as its body would have.
   *
   * @param newJobId the job that replaced its job (an upgrade's new job), or null
   * @param savepointPath the savepoint the work took, which its body would have reported, or null
   */
  record Completed(String newJobId, String savepointPath) implements Outcome {}

  /**
   * Its work ended without reaching its goal.
   *
   * @param cause what its body would have said
   */
  record Failed(String cause) implements Outcome {}

  /**
   * Its work is still under way (or cannot be told apart from that now, e.g. Flink unreachable):
   * the operation is left in progress and asked about again at the next look, until its deadline,
   * past which it is failed as interrupted as before, the outcome still unknown.
   *
   * @param where where the work stands, added to that failure's cause
   */
  record UnderWay(String where) implements Outcome {}
}
