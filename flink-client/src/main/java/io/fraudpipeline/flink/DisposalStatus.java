package io.fraudpipeline.flink;

/**
 * Where a savepoint disposal stands.
 *
 * @param completed whether Flink finished the operation (successfully or not)
 * @param failure why it failed, or null
 * @param nothingThere Flink found no savepoint at the path (already deleted): nothing to dispose of
 */
public record DisposalStatus(boolean completed, String failure, boolean nothingThere) {

  public static final DisposalStatus IN_PROGRESS = new DisposalStatus(false, null, false);
  public static final DisposalStatus DISPOSED = new DisposalStatus(true, null, false);
}
