package io.fraudpipeline.control.producer;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds of on-demand producer runs.
 *
 * @param maxRate highest {@code rate_per_second} a run may ask for
 * @param defaultRate the rate of a run that asks for none
 * @param maxConcurrentRuns runs sending at the same time; one more is refused with 429
 * @param retainedRuns finished runs kept for {@code GET} (the oldest are forgotten first)
 * @param stopTimeout how long {@code DELETE} waits for a run's records in flight to be flushed
 *     before answering 202 with the run still stopping; also the wait per run at shutdown
 */
@Validated
@ConfigurationProperties("fraud.producer")
public record ProducerProperties(
    @Min(1) @Max(10_000_000) long maxRate,
    @Min(1) @Max(10_000_000) long defaultRate,
    @Min(1) @Max(100) int maxConcurrentRuns,
    @Min(0) @Max(10_000) int retainedRuns,
    @NotNull Duration stopTimeout) {}
