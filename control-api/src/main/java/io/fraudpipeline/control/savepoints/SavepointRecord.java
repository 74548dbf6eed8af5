package io.fraudpipeline.control.savepoints;

import java.time.Instant;

/**
 * One savepoint the control plane had Flink take, as kept in the history topic.
 *
 * @param path where Flink wrote it; what a restore passes back to Flink
 * @param jobId the job it was taken from
 * @param kind why it was taken
 * @param createdAt when it completed
 * @param parallelism the job's parallelism when it was taken
 * @param deliveryGuarantee the job's delivery guarantee when it was taken, if known
 * @param jarSha256 checksum of the job jar that wrote it
 * @param operationId the operation that took it
 */
public record SavepointRecord(
    String path,
    String jobId,
    Kind kind,
    Instant createdAt,
    Integer parallelism,
    String deliveryGuarantee,
    String jarSha256,
    String operationId) {

  /** Why a savepoint was taken. */
  public enum Kind {
    /** Triggered on a running job that kept running. */
    SAVEPOINT,
    /** Taken while stopping the job. */
    STOP,
    /** Taken while stopping the job to restart it at a new parallelism. */
    RESCALE,
    /** Taken while stopping the job to run it on a new jar; a rollback restores it. */
    UPGRADE
  }
}
