package io.fraudpipeline.control.operations;

public enum OperationState {
  IN_PROGRESS,
  COMPLETED,
  FAILED,
  /** Ended early on request ({@code DELETE /api/v1/operations/{id}}). */
  CANCELLED
}
