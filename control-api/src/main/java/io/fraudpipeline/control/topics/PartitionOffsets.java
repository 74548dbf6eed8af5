package io.fraudpipeline.control.topics;

/**
 * Offsets of one partition.
 *
 * @param partition the partition number
 * @param earliestOffset the first offset still in the log
 * @param latestOffset the high watermark: the end as a {@code read_uncommitted} consumer sees it
 * @param lastStableOffset the end as a {@code read_committed} consumer sees it: below the first
 *     record of a transaction still open (equal to {@code latestOffset} when none is)
 * @param records {@code lastStableOffset - earliestOffset}: the records a {@code read_committed}
 *     consumer can read, counting each transaction marker and aborted record as one (exact for a
 *     topic written without transactions and not compacted)
 */
public record PartitionOffsets(
    int partition, long earliestOffset, long latestOffset, long lastStableOffset, long records) {}
