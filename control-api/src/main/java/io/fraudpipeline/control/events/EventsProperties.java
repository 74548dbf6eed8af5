package io.fraudpipeline.control.events;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The event log: its Kafka topic ({@code fraud.topics.events}), the in-memory copy every replica
 * serves, and the event stream.
 *
 * @param retention how long Kafka keeps events ({@code retention.ms} of the topic when created)
 * @param bufferSize latest events each replica keeps in memory for {@code GET /api/v1/events}
 * @param maxLimit largest {@code limit} of {@code GET /api/v1/events}
 * @param pollInterval how often each replica reads new events from the topic
 * @param writeQueue events waiting to be written to Kafka; beyond it new ones are dropped (counted)
 * @param kafkaTimeout the longest a Kafka call of the event log may take
 * @param maxSubscribers concurrent stream subscribers; one more is refused with 429
 * @param subscriberQueue events queued for a slow subscriber before the oldest are dropped
 * @param heartbeatInterval how often a stream gets an SSE comment (twice, a second apart), so idle
 *     streams stay open and clients that went away are found
 * @param streamTimeout a stream is closed after this long (EventSource clients reconnect)
 */
@Validated
@ConfigurationProperties("fraud.events")
public record EventsProperties(
    @NotNull Duration retention,
    @Min(1) @Max(100_000) int bufferSize,
    @Min(1) @Max(10_000) int maxLimit,
    @NotNull Duration pollInterval,
    @Min(1) @Max(1_000_000) int writeQueue,
    @NotNull Duration kafkaTimeout,
    @Min(1) @Max(1_000) int maxSubscribers,
    @Min(1) @Max(1_000_000) int subscriberQueue,
    @NotNull Duration heartbeatInterval,
    @NotNull Duration streamTimeout) {}
