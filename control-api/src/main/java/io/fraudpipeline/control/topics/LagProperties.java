package io.fraudpipeline.control.topics;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The background offsets poller: what it samples, how often, and how it judges the fraud job's lag.
 *
 * @param groupId the fraud job's consumer group (Flink commits its offsets on checkpoints)
 * @param pollInterval time between two samples
 * @param requestTimeout timeout of each Kafka call of a sample; beyond it Kafka is unreachable
 * @param evaluationWindow samples of this last stretch of time decide the lag status
 * @param historySize end-offset samples kept per partition for the lag in seconds
 * @param exactCountMaxGap a lag of at most this many offsets is counted record by record, and so is
 *     an alerts partition's growth between two samples
 * @param rateWindow records per second are computed over this window of end offsets
 */
@Validated
@ConfigurationProperties("fraud.lag")
public record LagProperties(
    @NotBlank String groupId,
    @NotNull Duration pollInterval,
    @NotNull Duration requestTimeout,
    @NotNull Duration evaluationWindow,
    @Min(2) int historySize,
    @Min(0) int exactCountMaxGap,
    @NotNull Duration rateWindow) {}
