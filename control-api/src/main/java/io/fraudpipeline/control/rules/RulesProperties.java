package io.fraudpipeline.control.rules;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How rule changes are published and read back.
 *
 * @param publishTimeout longest a change may take to be published and read back; beyond it the
 *     request answers 503
 * @param historyLimit changes kept in memory and served by the history endpoint
 * @param refreshInterval how often the desired version is re-read for the metrics
 * @param commitCheckpoint the checkpoint asked of an exactly-once job after a change ({@link
 *     RuleChangeCheckpoint})
 */
@Validated
@ConfigurationProperties("fraud.rules")
public record RulesProperties(
    @NotNull Duration publishTimeout,
    @Min(1) @Max(100_000) int historyLimit,
    @NotNull Duration refreshInterval,
    @NotNull @Valid CommitCheckpoint commitCheckpoint) {

  /**
   * @param enabled whether a rule change asks for a checkpoint of a running exactly-once job
   * @param delay how long after the change is published: time for the job to read it first
   */
  public record CommitCheckpoint(boolean enabled, @NotNull Duration delay) {}
}
