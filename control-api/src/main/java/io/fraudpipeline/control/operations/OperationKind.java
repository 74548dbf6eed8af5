package io.fraudpipeline.control.operations;

/** What a long-running operation does. */
public enum OperationKind {
  SAVEPOINT,
  STOP,
  CANCEL,
  RESCALE,
  /** Moves the job onto another jar, rolled back when the new one is not ready in time. */
  UPGRADE,
  /** Candidate rules run over retained transactions by a bounded Flink job. */
  BACKTEST
}
