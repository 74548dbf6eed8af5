package io.fraudpipeline.control.pipeline;

/**
 * How a job is taken down where the spec wants a savepoint (a {@code savepoint}-mode replacement, a
 * {@code savepoint} or {@code drain} suspend), as {@link TakeDownPlanner} decides it for both. The
 * reasons are clauses about the job ("it is RESTARTING and ..."): each caller says what it does
 * with them.
 */
sealed interface TakeDown {

  /** Nothing to do yet: the step says why. */
  record Wait(String message) implements TakeDown {}

  /**
   * Cancel it: it has completed no checkpoint since it started, so the state it started from
   * ({@code status.lastState}) is where the pipeline goes on.
   */
  record FromStart(String reason) implements TakeDown {}

  /**
   * Cancel it: Flink keeps restarting it, so the pipeline goes on from its newest state (its newest
   * retained checkpoint, or a savepoint newer than that).
   */
  record FromCheckpoint(RestorePoint checkpoint, String reason) implements TakeDown {}

  /** Stop it with a savepoint. */
  record Savepoint() implements TakeDown {}
}
