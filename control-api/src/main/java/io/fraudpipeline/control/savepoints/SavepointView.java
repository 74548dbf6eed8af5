package io.fraudpipeline.control.savepoints;

import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/**
 * A savepoint of the history as the API shows it: the record, its id, and whether it can still be
 * restored without loss.
 *
 * @param id a short id derived from the path ({@code DELETE /api/v1/savepoints/{id}})
 * @param transactionsOffsets the {@code transactions} offsets it resumes from; absent when unknown
 * @param restorableWithoutLoss true, false or "unknown" (no offsets kept, or Kafka did not answer)
 * @param recordsDeleted records after its offsets Kafka already deleted; absent when unknown
 * @param recordsDeletedByPartition the same per partition that lost records
 * @param pinnedBy why the control plane still needs it (never disposed of), absent when it does not
 */
public record SavepointView(
    String id,
    String path,
    String jobId,
    SavepointRecord.Kind kind,
    Instant createdAt,
    Integer parallelism,
    String deliveryGuarantee,
    String jarSha256,
    String operationId,
    Map<Integer, Long> transactionsOffsets,
    Restorable restorableWithoutLoss,
    Long recordsDeleted,
    Map<Integer, Long> recordsDeletedByPartition,
    String pinnedBy) {

  static SavepointView of(SavepointRecord r, RestoreSafety safety, String pinnedBy) {
    return new SavepointView(
        r.id(),
        r.path(),
        r.jobId(),
        r.kind(),
        r.createdAt(),
        r.parallelism(),
        r.deliveryGuarantee(),
        r.jarSha256(),
        r.operationId(),
        r.transactionsOffsets(),
        Restorable.of(safety.restorableWithoutLoss()),
        safety.recordsDeleted(),
        safety.recordsDeleted() == null || safety.recordsDeleted() == 0
            ? null
            : safety.recordsDeletedByPartition(),
        pinnedBy);
  }

  /** A yes, a no, or "unknown": unknown is said, never guessed. */
  @Schema(
      description = "true, false, or \"unknown\" when the savepoint kept no offsets",
      oneOf = {Boolean.class, String.class})
  public enum Restorable {
    TRUE,
    FALSE,
    UNKNOWN;

    static Restorable of(Boolean value) {
      return value == null ? UNKNOWN : value ? TRUE : FALSE;
    }

    @JsonValue
    Object json() {
      return switch (this) {
        case TRUE -> Boolean.TRUE;
        case FALSE -> Boolean.FALSE;
        case UNKNOWN -> "unknown";
      };
    }
  }
}
