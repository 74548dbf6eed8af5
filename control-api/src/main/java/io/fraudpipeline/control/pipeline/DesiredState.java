package io.fraudpipeline.control.pipeline;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What should run, as operators declared it; the reconciler moves Flink towards it one step at a
 * time. Every accepted change gets the next version.
 *
 * @param version 1 for the first accepted state, then one more per change
 * @param pipelineId random id chosen with version 1 and kept: JobIDs derive from it, so a pipeline
 *     whose desired-state topic was recreated never collides with an older one on Flink
 * @param spec the declared settings
 * @param restoreGeneration the version that last asked for a fresh start (a deploy, or a change of
 *     the restore savepoint): the reconciler starts from {@link PipelineSpec#restoreSavepointPath}
 *     once for it, and from the job's own last state after that
 * @param updatedAt when this version was accepted
 * @param updatedBy who changed it
 * @param cause which request changed it (e.g. {@code POST /api/v1/jobs})
 * @param rollbackOf the jar of the upgrade this version rolls back, when the reconciler wrote it
 *     for a rollback, else null: the rejection rides in the same write as the previous jar, so a
 *     leader that dies before recording the rollback in its status leaves its successor what to
 *     conclude
 */
public record DesiredState(
    long version,
    String pipelineId,
    PipelineSpec spec,
    long restoreGeneration,
    Instant updatedAt,
    String updatedBy,
    String cause,
    String rollbackOf) {

  /** A version no rollback wrote. */
  public DesiredState(
      long version,
      String pipelineId,
      PipelineSpec spec,
      long restoreGeneration,
      Instant updatedAt,
      String updatedBy,
      String cause) {
    this(version, pipelineId, spec, restoreGeneration, updatedAt, updatedBy, cause, null);
  }

  /**
   * The version after this one.
   *
   * @param newRestore whether it asks for a fresh start from the spec's restore savepoint
   */
  DesiredState next(PipelineSpec spec, boolean newRestore, Instant at, String by, String why) {
    return new DesiredState(
        version + 1,
        pipelineId,
        spec,
        newRestore ? version + 1 : restoreGeneration,
        at.truncatedTo(ChronoUnit.MILLIS),
        by,
        why,
        null);
  }

  /** This version as the rollback of the upgrade to {@code jar}. */
  DesiredState rollingBack(String jar) {
    return new DesiredState(
        version, pipelineId, spec, restoreGeneration, updatedAt, updatedBy, cause, jar);
  }
}
