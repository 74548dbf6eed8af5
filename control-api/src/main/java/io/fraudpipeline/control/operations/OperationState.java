package io.fraudpipeline.control.operations;

public enum OperationState {
  IN_PROGRESS,
  COMPLETED,
  FAILED
}
