package io.fraudpipeline.control.backtests;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds and settings of backtests ({@code POST /api/v1/rules/backtests}).
 *
 * @param maxConcurrent backtests in progress at the same time, on all replicas together (counted
 *     through the operations topic); one more is refused with 429
 * @param maxSpan longest range ({@code to - from}) one backtest may cover
 * @param timeout a backtest still running after this long is cancelled and fails; the leader leaves
 *     the job of a backtest with no recorded operation this long after its start (plus the
 *     operations' abandoned grace), as its owner may still run it
 * @param parallelism parallelism of the bounded Flink job
 * @param sampleSize alerts shown in the report's sample (the earliest by event time)
 * @param outputTopicPrefix prefix of the topic each backtest's job writes its alerts to (created
 *     for it and deleted once read); never the alerts topic
 * @param lookback how far before a range Kafka is searched by record timestamp: a transaction's
 *     record (and so its alert's) may be stamped before its event time by up to the fraud job's
 *     {@code --max-future-skew} (1 h by default); the bounded job reads that much earlier too, and
 *     that much past the range
 * @param pollInterval time between two looks at the bounded job's state and progress
 * @param entryClass the backtest's entry class in the embedded fraud job jar
 * @param cleanupInterval time between two looks for backtest jobs and output topics that no running
 *     operation owns any more (their control plane stopped), from start-up on; the leader leaves
 *     another replica's until older than {@code fraud.operations.abandoned-grace}
 * @param shutdownGrace how long a replica that shuts down waits for its backtests in progress to
 *     end themselves (Flink job cancelled, output topic deleted, operation failed saying the
 *     replica shut down); one that does not in time, or every one with zero, is left to the
 *     backtest cleanup of another replica, as after a crash
 */
@Validated
@ConfigurationProperties("fraud.backtests")
public record BacktestProperties(
    @Min(1) @Max(20) int maxConcurrent,
    @NotNull Duration maxSpan,
    @NotNull Duration timeout,
    @Min(1) @Max(64) int parallelism,
    @Min(0) @Max(1000) int sampleSize,
    @NotBlank String outputTopicPrefix,
    @NotNull Duration lookback,
    @NotNull Duration pollInterval,
    @NotBlank String entryClass,
    @NotNull Duration cleanupInterval,
    @NotNull Duration shutdownGrace) {}
