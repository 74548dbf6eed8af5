package io.fraudpipeline.flink;

/**
 * Where a savepoint trigger stands.
 *
 * @param completed whether Flink finished the operation (successfully or not)
 * @param location the savepoint path, when one was written (also when stopping the job failed after
 *     the savepoint completed)
 * @param failure why the operation failed, or null
 */
public record SavepointStatus(boolean completed, String location, String failure) {

  public static SavepointStatus inProgress() {
    return new SavepointStatus(false, null, null);
  }

  public boolean succeeded() {
    return completed && failure == null && location != null;
  }
}
