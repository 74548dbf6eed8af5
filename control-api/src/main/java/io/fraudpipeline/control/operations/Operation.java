package io.fraudpipeline.control.operations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A long-running action on the fraud job, as {@code GET /api/v1/operations/{id}} shows it.
 *
 * @param id the operation's id
 * @param kind what it does
 * @param jobId the job it acts on
 * @param state where it stands
 * @param createdAt when it was accepted
 * @param deadline when it is given up on (the job's checkpoint timeout plus a margin)
 * @param completedAt when it completed or failed
 * @param savepointPath the savepoint it wrote, kept even when a later step failed
 * @param newJobId the job that replaced {@code jobId} (rescale)
 * @param failureCause why it failed
 * @param steps what it did so far, oldest first (operations that take several steps)
 * @param progress how far it got, for operations that can tell (a backtest: records read)
 * @param result what it found, for operations that report something (a backtest: its report)
 */
public record Operation(
    String id,
    OperationKind kind,
    String jobId,
    OperationState state,
    Instant createdAt,
    Instant deadline,
    Instant completedAt,
    String savepointPath,
    String newJobId,
    String failureCause,
    List<OperationStep> steps,
    OperationProgress progress,
    JsonNode result) {

  public Operation {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  Operation withStep(OperationStep step) {
    List<OperationStep> more = new ArrayList<>(steps);
    more.add(step);
    return new Operation(
        id,
        kind,
        jobId,
        state,
        createdAt,
        deadline,
        completedAt,
        savepointPath,
        newJobId,
        failureCause,
        more,
        progress,
        result);
  }

  Operation withSavepointPath(String path) {
    return new Operation(
        id,
        kind,
        jobId,
        state,
        createdAt,
        deadline,
        completedAt,
        path,
        newJobId,
        failureCause,
        steps,
        progress,
        result);
  }

  Operation withProgress(OperationProgress next) {
    return new Operation(
        id,
        kind,
        jobId,
        state,
        createdAt,
        deadline,
        completedAt,
        savepointPath,
        newJobId,
        failureCause,
        steps,
        next,
        result);
  }

  Operation withResult(JsonNode next) {
    return new Operation(
        id,
        kind,
        jobId,
        state,
        createdAt,
        deadline,
        completedAt,
        savepointPath,
        newJobId,
        failureCause,
        steps,
        progress,
        next);
  }

  Operation completed(Instant at, String newJob) {
    return new Operation(
        id,
        kind,
        jobId,
        OperationState.COMPLETED,
        createdAt,
        deadline,
        at,
        savepointPath,
        newJob,
        null,
        steps,
        progress,
        result);
  }

  Operation failed(Instant at, String cause) {
    return ended(OperationState.FAILED, at, cause);
  }

  Operation cancelled(Instant at, String cause) {
    return ended(OperationState.CANCELLED, at, cause);
  }

  private Operation ended(OperationState end, Instant at, String cause) {
    return new Operation(
        id,
        kind,
        jobId,
        end,
        createdAt,
        deadline,
        at,
        savepointPath,
        newJobId,
        cause,
        steps,
        progress,
        result);
  }
}
