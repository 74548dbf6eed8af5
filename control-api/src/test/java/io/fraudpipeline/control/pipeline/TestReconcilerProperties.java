package io.fraudpipeline.control.pipeline;

import java.time.Duration;

/** The reconciler's settings in its unit tests that take its steps one by one. */
final class TestReconcilerProperties {

  static final Duration UNHEALTHY_WINDOW = Duration.ofMinutes(5);
  static final Duration TASK_START_TIMEOUT = Duration.ofMinutes(1);
  static final Duration WATCH_PERIOD = Duration.ofMinutes(10);
  static final Duration UNKNOWN_JOB_TIMEOUT = Duration.ofMinutes(5);

  private TestReconcilerProperties() {}

  /**
   * @param restartUnhealthy whether an unhealthy job is restarted from its last checkpoint
   */
  static ReconcilerProperties of(boolean restartUnhealthy) {
    return new ReconcilerProperties(
        true,
        Duration.ofSeconds(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        new ReconcilerProperties.RestartBudget(
            3, Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofMinutes(2)),
        new ReconcilerProperties.Unhealthy(3, UNHEALTHY_WINDOW, 5, restartUnhealthy),
        new ReconcilerProperties.Upgrade(
            ReconcilerProperties.UpgradeTrigger.MANUAL, Duration.ofMinutes(3), WATCH_PERIOD),
        TASK_START_TIMEOUT,
        UNKNOWN_JOB_TIMEOUT);
  }
}
