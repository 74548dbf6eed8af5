package io.fraudpipeline.control.savepoints;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where savepoints go, how long the control plane waits for one, and how the history is kept.
 *
 * @param directory the savepoint target directory passed to Flink (a URI Flink can write, e.g.
 *     {@code file:///var/lib/flink/savepoints} or {@code s3://bucket/savepoints}); empty means
 *     Flink's own {@code execution.checkpointing.savepoint-dir}
 * @param deadlineMargin added to the job's checkpoint timeout to get an operation's deadline
 * @param periodicInterval a savepoint of the running fraud job is taken this long after the newest
 *     periodic one; zero turns periodic savepoints off
 * @param periodicTimeout the longest a periodic savepoint may take
 * @param housekeepingInterval how often the leading replica looks whether a periodic savepoint is
 *     due and applies the retention
 * @param disposalTimeout the longest Flink may take to dispose of one savepoint
 * @param retention which savepoints the history keeps
 */
@Validated
@ConfigurationProperties("fraud.savepoints")
public record SavepointProperties(
    String directory,
    @NotNull Duration deadlineMargin,
    @NotNull Duration periodicInterval,
    @NotNull Duration periodicTimeout,
    @NotNull Duration housekeepingInterval,
    @NotNull Duration disposalTimeout,
    @NotNull @Valid Retention retention) {

  /**
   * Savepoints beyond either limit are disposed of and dropped from the history, except the newest
   * one that can be restored without loss and any another part of the control plane still needs
   * ({@link SavepointPins}).
   *
   * @param maxCount the newest this many are kept; 0: no limit by count
   * @param maxAge older ones are dropped; zero: no limit by age
   */
  public record Retention(@Min(0) int maxCount, @NotNull Duration maxAge) {}

  /** Whether a directory was configured; otherwise Flink must have a default one. */
  public boolean hasDirectory() {
    return directory != null && !directory.isBlank();
  }

  /** Whether periodic savepoints are on. */
  public boolean periodic() {
    return !periodicInterval.isNegative() && !periodicInterval.isZero();
  }
}
