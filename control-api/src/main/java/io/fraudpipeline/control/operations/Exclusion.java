package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.errors.StateConflictException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which operations in progress a new one must not run beside, and the 409 that refuses it, naming
 * the operation in its way.
 *
 * @param conflicts whether an operation in progress (on any replica) stands in the new one's way
 * @param refusal what refuses the new one because of such an operation
 */
public record Exclusion(
    Predicate<Operation> conflicts, Function<Operation, StateConflictException> refusal)
    implements Admission {

  /** Refuses the new operation naming the first operation in its way. */
  @Override
  public void admit(List<Operation> inProgress) {
    inProgress.stream()
        .filter(conflicts)
        .findFirst()
        .ifPresent(
            op -> {
              throw refusal.apply(op);
            });
  }

  /** Held up by an operation in progress on {@code jobId} whose kind {@code blocks}. */
  public static Exclusion onJob(String jobId, Predicate<OperationKind> blocks) {
    return new Exclusion(
        op -> jobId.equals(op.jobId()) && blocks.test(op.kind()),
        op ->
            new StateConflictException(
                "Operation " + op.id() + " (" + op.kind() + ") is in progress on job " + jobId,
                Map.of("operation_id", op.id())));
  }

  /**
   * Held up by an operation of {@code kind} in progress on any job: for operations on the pipeline
   * as a whole, such as an upgrade.
   */
  public static Exclusion ofKind(OperationKind kind) {
    return new Exclusion(
        op -> op.kind() == kind,
        op ->
            new StateConflictException(
                "Operation "
                    + op.id()
                    + " ("
                    + op.kind()
                    + ") is in progress; wait for it to end (GET /api/v1/operations/"
                    + op.id()
                    + ")",
                Map.of("operation_id", op.id())));
  }
}
