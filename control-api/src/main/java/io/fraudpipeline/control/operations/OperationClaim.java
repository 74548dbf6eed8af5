package io.fraudpipeline.control.operations;

/**
 * An operation accepted and recorded ahead of the others it must not run beside ({@link
 * Operations#claim}): its request's own changes (a desired-state write) are made while it is held,
 * then it is started; closed unstarted, it is withdrawn, and the job is free again.
 */
public final class OperationClaim implements AutoCloseable {

  private final OperationClaims claims;
  private final Operation claimed;
  private final boolean cancellable;
  private boolean ended;

  OperationClaim(OperationClaims claims, Operation claimed, boolean cancellable) {
    this.claims = claims;
    this.claimed = claimed;
    this.cancellable = cancellable;
  }

  /** The id the operation is recorded under, and will run under once started. */
  public String operationId() {
    return claimed.id();
  }

  /** Starts the claimed operation; the returned snapshot is IN_PROGRESS. */
  public Operation start(Operations.Body body) {
    return start(claimed, body);
  }

  /**
   * Starts the claimed operation, waiting for the reconciler to carry out {@code desiredVersion},
   * as {@link Operations#start(OperationKind, String, long, java.time.Duration, Operations.Body)}.
   */
  public Operation start(long desiredVersion, Operations.Body body) {
    return start(claimed.withDesiredVersion(desiredVersion), body);
  }

  private Operation start(Operation operation, Operations.Body body) {
    if (ended) {
      throw new IllegalStateException("Operation " + claimed.id() + " was started or withdrawn");
    }
    Operation started = claims.start(operation, cancellable, body);
    // Only once started: a start refused (the replica shutting down) leaves the claim to close().
    ended = true;
    return started;
  }

  /** Withdraws the claim unless its operation was started. */
  @Override
  public void close() {
    if (!ended) {
      ended = true;
      claims.withdraw(claimed);
    }
  }
}
