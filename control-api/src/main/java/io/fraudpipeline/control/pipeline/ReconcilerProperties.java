package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.scheduling.Backoff;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the reconciler holds the pipeline in its desired state ({@code fraud.reconciler.*}; defaults
 * in application.yaml, described in docs/configuration.md).
 *
 * @param enabled whether this replica takes part in reconciling (when false it only serves)
 * @param interval time between two reconciliations (observe, decide, at most one step)
 * @param savepointTimeout the longest a stop with savepoint may take
 * @param cancelTimeout the longest a cancel may take
 * @param awaitTimeout how long a request that changes the desired state (deploy, stop, rescale)
 *     waits for the reconciler to carry it out before answering
 * @param restartBudget how often a job Flink gave up on is restarted
 * @param unhealthy when a running job counts as unhealthy
 * @param upgrade how the job moves onto a new jar
 * @param taskStartTimeout how long after its submission a job whose tasks are still starting
 *     (deploying, initializing, or about to get the free slots they wait for) is waited for when it
 *     must be stopped with a savepoint (stop, suspend, upgrade or rescale) before it has completed
 *     a checkpoint; past it, or at once for one that cannot start (no slots, unless Flink starts
 *     TaskManagers on demand; failing over), it is cancelled back to the state it started from
 * @param unknownJobTimeout how long the steps on a job Flink lists may keep being answered that
 *     Flink does not know it (404, as a JobManager with HA answers until it has recovered the job)
 *     before it is reported unhealthy (it is still waited for: nothing is deployed beside it)
 */
@Validated
@ConfigurationProperties("fraud.reconciler")
public record ReconcilerProperties(
    boolean enabled,
    @NotNull Duration interval,
    @NotNull Duration savepointTimeout,
    @NotNull Duration cancelTimeout,
    @NotNull Duration awaitTimeout,
    @Valid @NotNull RestartBudget restartBudget,
    @Valid @NotNull Unhealthy unhealthy,
    @Valid @NotNull Upgrade upgrade,
    @NotNull Duration taskStartTimeout,
    @NotNull Duration unknownJobTimeout) {

  /** Whether the job is moved onto a new jar on request or as soon as one is shipped. */
  public enum UpgradeTrigger {
    /** Only {@code POST /api/v1/pipeline/upgrade} moves the job; GET says an upgrade is there. */
    MANUAL,
    /** The leader moves the job onto the jar it ships (not onto one rolled back from before). */
    AUTO
  }

  /**
   * @param mode manual or auto
   * @param readinessTimeout how long a new job may take to be RUNNING with every task running and a
   *     checkpoint completed; past it the upgrade is rolled back
   * @param watchPeriod how long after it was ready an upgraded release is still rolled back by
   *     itself if Flink keeps restarting it ({@code unhealthy.max-restarts} within {@code
   *     unhealthy.window}) or it fails: readiness proves only that it starts, not that every rule
   *     path works; zero turns the watch off
   */
  public record Upgrade(
      @NotNull UpgradeTrigger mode,
      @NotNull Duration readinessTimeout,
      @NotNull Duration watchPeriod) {}

  /**
   * @param maxRestarts restarts allowed within the window; one more gives up
   * @param window the budget's window
   * @param initialBackoff the wait before the first restart; doubled for each one after it
   * @param maxBackoff the longest wait between restarts
   */
  public record RestartBudget(
      @Min(0) int maxRestarts,
      @NotNull Duration window,
      @NotNull Duration initialBackoff,
      @NotNull Duration maxBackoff) {

    /** The restarts that count against the budget at {@code now}: those within its window. */
    List<Instant> recent(List<Instant> restarts, Instant now) {
      Instant since = now.minus(window);
      return restarts.stream().filter(t -> t.isAfter(since)).toList();
    }

    Duration backoff(int restartsSoFar) {
      return new Backoff(initialBackoff, maxBackoff).afterFailures(restartsSoFar + 1);
    }
  }

  /**
   * @param maxRestarts Flink restarts within the window that make a running job unhealthy
   * @param window the window of those restarts
   * @param missedCheckpoints checkpoint intervals without a completed checkpoint that make it
   *     unhealthy
   * @param restart whether an unhealthy job is restarted from its last checkpoint (within the
   *     restart budget) rather than only reported
   */
  public record Unhealthy(
      @Min(1) int maxRestarts,
      @NotNull Duration window,
      @Min(1) int missedCheckpoints,
      boolean restart) {}
}
