package io.fraudpipeline.chaos.scenario;

import io.fraudpipeline.chaos.fault.FaultLog;
import java.util.List;

/**
 * What one scenario measured.
 *
 * @param faultId the fault's id
 * @param title the fault's title
 * @param log what the fault did and when
 * @param loadSeconds how long the producer sent
 * @param sent records that reached the transactions topic during the scenario
 * @param producerFailures records the producer reported as failed (never in the topic)
 * @param expectedAlerts alerts the ground truth requires
 * @param committedAlerts different expected alerts a {@code read_committed} consumer saw
 * @param lostAlerts expected alerts never seen
 * @param duplicatedAlerts alert records seen more than once (extra copies)
 * @param unexpectedAlerts different alerts seen that the ground truth does not require
 * @param expectedDlq records of the scenario that do not parse or validate
 * @param dlqRecords dead letters of the scenario's records, copies included
 * @param dlqDuplicated extra copies among them
 * @param recoveryMillis from the fault until the first alert of a transaction sent after the fault
 *     was visible; -1 when none was
 * @param worstLatencyMillis the largest end-to-end latency (transaction written to alert visible)
 *     of an alert visible after the fault
 * @param worstLatencyBeforeMillis the same before the fault, for comparison; -1 when no alert was
 *     visible before it
 * @param alertsPerSecond alert records visible per second since the load started
 * @param faultAtSecond the fault's moments, in seconds since the load started
 */
public record ScenarioResult(
    String faultId,
    String title,
    FaultLog log,
    double loadSeconds,
    long sent,
    long producerFailures,
    long expectedAlerts,
    long committedAlerts,
    long lostAlerts,
    long duplicatedAlerts,
    long unexpectedAlerts,
    long expectedDlq,
    long dlqRecords,
    long dlqDuplicated,
    long recoveryMillis,
    long worstLatencyMillis,
    long worstLatencyBeforeMillis,
    int[] alertsPerSecond,
    List<Double> faultAtSecond) {

  /** No alert lost, none duplicated, and the system did what the fault requires of it. */
  public boolean passed() {
    return lostAlerts == 0 && duplicatedAlerts == 0 && log.failures().isEmpty();
  }
}
