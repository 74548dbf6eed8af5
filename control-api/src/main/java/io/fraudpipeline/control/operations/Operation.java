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
 * @param deadline when it is given up on (set by its kind: docs/api.md, "Long operations")
 * @param completedAt when it completed or failed
 * @param savepointPath the savepoint it wrote, kept even when a later step failed
 * @param newJobId the job that replaced {@code jobId} (rescale)
 * @param failureCause why it failed
 * @param steps what it did so far, oldest first (operations that take several steps)
 * @param progress how far it got, for operations that can tell (a backtest: records read)
 * @param result what it found, for operations that report something (a backtest: its report)
 * @param replica the control-plane replica that runs it (the only one watching it while it is in
 *     progress); null in records written before replicas were named
 * @param desiredVersion the desired-state version its request wrote and it waits for the reconciler
 *     to carry out (stop, cancel, rescale, upgrade): what ties it to the reconciler's own record
 *     when another replica has to tell how it ended ({@link OperationOutcomes}); null for the other
 *     kinds and in records written before this field
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
    JsonNode result,
    String replica,
    Long desiredVersion) {

  public Operation {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** The same operation, waiting for the reconciler to carry out {@code version}. */
  Operation withDesiredVersion(long version) {
    Builder next = new Builder(this);
    next.desiredVersion = version;
    return next.build();
  }

  Operation withStep(OperationStep step) {
    Builder next = new Builder(this);
    next.steps = new ArrayList<>(steps);
    next.steps.add(step);
    return next.build();
  }

  Operation withSavepointPath(String path) {
    Builder next = new Builder(this);
    next.savepointPath = path;
    return next.build();
  }

  Operation withProgress(OperationProgress value) {
    Builder next = new Builder(this);
    next.progress = value;
    return next.build();
  }

  Operation withResult(JsonNode value) {
    Builder next = new Builder(this);
    next.result = value;
    return next.build();
  }

  Operation completed(Instant at, String newJob) {
    Builder next = ended(OperationState.COMPLETED, at, null);
    next.newJobId = newJob;
    return next.build();
  }

  /** Completed as another replica learnt it: with the savepoint its body would have reported. */
  Operation completed(Instant at, String newJob, String savepoint) {
    Builder next = ended(OperationState.COMPLETED, at, null);
    next.newJobId = newJob;
    if (savepoint != null) {
      next.savepointPath = savepoint;
    }
    return next.build();
  }

  Operation failed(Instant at, String cause) {
    return ended(OperationState.FAILED, at, cause).build();
  }

  Operation cancelled(Instant at, String cause) {
    return ended(OperationState.CANCELLED, at, cause).build();
  }

  private Builder ended(OperationState end, Instant at, String cause) {
    Builder next = new Builder(this);
    next.state = end;
    next.completedAt = at;
    next.failureCause = cause;
    return next;
  }

  /** A copy of an operation, changed one field at a time. */
  private static final class Builder {
    private final Operation from;
    private OperationState state;
    private Instant completedAt;
    private String savepointPath;
    private String newJobId;
    private String failureCause;
    private List<OperationStep> steps;
    private OperationProgress progress;
    private JsonNode result;
    private Long desiredVersion;

    Builder(Operation from) {
      this.from = from;
      state = from.state;
      completedAt = from.completedAt;
      savepointPath = from.savepointPath;
      newJobId = from.newJobId;
      failureCause = from.failureCause;
      steps = from.steps;
      progress = from.progress;
      result = from.result;
      desiredVersion = from.desiredVersion;
    }

    Operation build() {
      return new Operation(
          from.id,
          from.kind,
          from.jobId,
          state,
          from.createdAt,
          from.deadline,
          completedAt,
          savepointPath,
          newJobId,
          failureCause,
          steps,
          progress,
          result,
          from.replica,
          desiredVersion);
    }
  }
}
