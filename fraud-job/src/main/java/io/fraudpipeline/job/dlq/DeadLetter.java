package io.fraudpipeline.job.dlq;

/**
 * A transaction record the job rejected, on its way to the dead-letter topic: the original key and
 * value bytes, unchanged, with why it was rejected and where it was read from.
 *
 * @param key the original record key (may be null)
 * @param value the original record value (may be null or empty)
 * @param reason why it was rejected, for a human
 * @param topic the topic it was read from
 * @param partition the partition it was read from
 * @param offset its offset in that partition
 * @param timestamp its Kafka timestamp (epoch millis)
 */
public record DeadLetter(
    byte[] key,
    byte[] value,
    String reason,
    String topic,
    int partition,
    long offset,
    long timestamp) {}
