package io.fraudpipeline.control.savepoints;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fraudpipeline.model.Sha256;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

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
 * @param transactionsOffsets the {@code transactions} offsets it resumes from (partition → next
 *     offset to read), as the job committed them to its consumer group when the savepoint
 *     completed; null when unknown (records written before they were kept, or Kafka did not answer)
 */
public record SavepointRecord(
    String path,
    String jobId,
    Kind kind,
    Instant createdAt,
    Integer parallelism,
    String deliveryGuarantee,
    String jarSha256,
    String operationId,
    Map<Integer, Long> transactionsOffsets) {

  public SavepointRecord {
    transactionsOffsets =
        transactionsOffsets == null
            ? null
            : Collections.unmodifiableMap(new TreeMap<>(transactionsOffsets));
  }

  /** A record whose offsets are read later (see {@link SavepointRecorder}). */
  public SavepointRecord(
      String path,
      String jobId,
      Kind kind,
      Instant createdAt,
      Integer parallelism,
      String deliveryGuarantee,
      String jarSha256,
      String operationId) {
    this(
        path, jobId, kind, createdAt, parallelism, deliveryGuarantee, jarSha256, operationId, null);
  }

  /** The same record with the offsets it resumes from. */
  public SavepointRecord withOffsets(Map<Integer, Long> offsets) {
    return new SavepointRecord(
        path,
        jobId,
        kind,
        createdAt,
        parallelism,
        deliveryGuarantee,
        jarSha256,
        operationId,
        offsets);
  }

  /** A short stable id for the API: derived from the path, so every replica agrees on it. */
  @JsonIgnore
  public String id() {
    return idOf(path);
  }

  /** The first 12 hex digits of the path's SHA-256. */
  public static String idOf(String path) {
    return Sha256.hex(path).substring(0, 12);
  }

  /** Why a savepoint was taken. */
  public enum Kind {
    /** Triggered on a running job that kept running. */
    SAVEPOINT,
    /** Taken while stopping the job. */
    STOP,
    /** Taken while stopping the job to restart it at a new parallelism. */
    RESCALE,
    /** Taken while stopping the job to run it on a new jar; a rollback restores it. */
    UPGRADE,
    /** Taken on schedule ({@code fraud.savepoints.periodic-interval}) from the running job. */
    PERIODIC;

    /** Whether the job had ended when the savepoint was recorded (a stop with a savepoint). */
    public boolean endsTheJob() {
      return this == STOP || this == RESCALE || this == UPGRADE;
    }
  }
}
