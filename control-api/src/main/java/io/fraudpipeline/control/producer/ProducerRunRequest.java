package io.fraudpipeline.control.producer;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * A producer run to start. Everything is optional; with neither {@code count} nor {@code duration}
 * the run goes on until stopped ({@code DELETE}), with both it ends at the first bound.
 *
 * @param ratePerSecond target records per second, 1 to {@code fraud.producer.max-rate}
 * @param count stop after this many records
 * @param duration stop after this long (ISO-8601, e.g. {@code PT30S})
 * @param fraudRatio share of injected fraud (high amounts and velocity bursts), 0 to 1
 * @param malformedRatio share of malformed records (they go to the DLQ), 0 to 1
 * @param seed seed of the generator: the same seed and settings give the same records
 * @param accounts size of the account pool
 * @param patternShare share of the injected velocity bursts made as the patterns named rules catch
 *     instead, 0 to 1: half {@code merchant_spree} (one account paying a different merchant each
 *     time), half {@code split_payments} (one account paying one merchant parts under the amount
 *     threshold that together exceed it); left out: 0
 */
@Schema(
    example =
        "{\"rate_per_second\": 500, \"count\": 10000, \"fraud_ratio\": 0.02,"
            + " \"malformed_ratio\": 0.001, \"seed\": 42, \"accounts\": 10000,"
            + " \"pattern_share\": 0.5}")
public record ProducerRunRequest(
    @Min(1) Long ratePerSecond,
    @Min(1) Long count,
    Duration duration,
    @DecimalMin("0.0") @DecimalMax("1.0") Double fraudRatio,
    @DecimalMin("0.0") @DecimalMax("1.0") Double malformedRatio,
    Long seed,
    @Min(1) Integer accounts,
    @DecimalMin("0.0") @DecimalMax("1.0") Double patternShare) {}
