package io.fraudpipeline.control.operations;

/** What a long-running operation does. */
public enum OperationKind {
  SAVEPOINT,
  STOP,
  CANCEL,
  RESCALE,
  /** Candidate rules run over retained transactions by a bounded Flink job. */
  BACKTEST
}
