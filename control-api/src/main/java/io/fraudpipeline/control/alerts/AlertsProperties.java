package io.fraudpipeline.control.alerts;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The alerts peek and stream.
 *
 * @param bufferSize latest committed alerts kept in memory per partition (of both alerts topics) by
 *     the shared consumer
 * @param maxLimit largest {@code limit} of a peek
 * @param maxSubscribers concurrent stream subscribers, of both feeds together; one more is refused
 *     with 429
 * @param subscriberQueue alerts queued for a slow subscriber before the oldest are dropped
 * @param heartbeatInterval how often a stream gets an SSE comment (twice, a second apart), so idle
 *     streams stay open and clients that went away are found
 * @param streamTimeout a stream is closed after this long (EventSource clients reconnect)
 */
@Validated
@ConfigurationProperties("fraud.alerts")
public record AlertsProperties(
    @Min(1) @Max(100_000) int bufferSize,
    @Min(1) @Max(10_000) int maxLimit,
    @Min(1) @Max(1_000) int maxSubscribers,
    @Min(1) @Max(1_000_000) int subscriberQueue,
    @NotNull Duration heartbeatInterval,
    @NotNull Duration streamTimeout) {}
