package io.fraudpipeline.control.topics;

/**
 * The consumer group's lag on one partition.
 *
 * @param partition the partition number
 * @param committedOffset the group's committed offset, or null when it has none for the partition
 * @param endOffset the last stable offset (the end for a {@code read_committed} consumer)
 * @param lagRecords records the group has still to read, or null without a committed offset; a
 *     small gap is counted record by record, so transaction markers and aborted records are not lag
 * @param lagSeconds estimated age of the oldest record the group has not read (interpolated from
 *     the history of end offsets), or null when it cannot be estimated yet
 * @param recordsLost records between the committed offset and the partition's earliest offset:
 *     deleted by retention before the group read them (0 when none; null without a committed
 *     offset)
 * @param status the partition's status over the evaluation window; DATA_LOSS while records are lost
 */
public record PartitionLag(
    int partition,
    Long committedOffset,
    long endOffset,
    Long lagRecords,
    Double lagSeconds,
    Long recordsLost,
    LagStatus status) {}
