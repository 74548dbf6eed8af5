package io.fraudpipeline.chaos.scenario;

import java.time.Duration;

/**
 * The shape of every scenario.
 *
 * @param ratePerSecond transactions per second of the steady load
 * @param before load before the fault
 * @param after load after the fault's active part ended
 * @param drainTimeout how long to wait, after the load, for every expected alert
 */
public record ScenarioSettings(
    long ratePerSecond, Duration before, Duration after, Duration drainTimeout) {

  public static ScenarioSettings full() {
    return new ScenarioSettings(
        200, Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofMinutes(3));
  }

  public static ScenarioSettings quick() {
    return new ScenarioSettings(
        200, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofMinutes(2));
  }
}
