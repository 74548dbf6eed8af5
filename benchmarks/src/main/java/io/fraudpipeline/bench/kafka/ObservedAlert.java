package io.fraudpipeline.bench.kafka;

/**
 * An alert as a {@code read_committed} consumer saw it.
 *
 * @param alertId the alert's deterministic id
 * @param transactionId the triggering transaction's id
 * @param rulesVersion the rules version that judged it
 * @param recordTimestamp the alert record's timestamp: the broker's append time on topics created
 *     with {@code message.timestamp.type=LogAppendTime}
 * @param visibleAtMillis wall-clock time at which the consumer received it (it was committed by
 *     then)
 * @param visibleAtNanos {@link System#nanoTime()} at the same moment
 */
public record ObservedAlert(
    String alertId,
    String transactionId,
    long rulesVersion,
    long recordTimestamp,
    long visibleAtMillis,
    long visibleAtNanos) {}
