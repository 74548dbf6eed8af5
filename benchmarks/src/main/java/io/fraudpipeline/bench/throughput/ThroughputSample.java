package io.fraudpipeline.bench.throughput;

import io.fraudpipeline.bench.profile.CpuAccount;
import java.util.Map;

/**
 * One measured pass over the pre-filled topic.
 *
 * @param recordsPerSecond input records (sentinels included) divided by the time from the start of
 *     processing to the last expected alert being visible to a {@code read_committed} consumer
 * @param seconds that time
 * @param distinctAlerts different alert ids seen
 * @param duplicates alerts seen more than once
 * @param missing expected alerts never seen
 * @param unexpected alerts seen that the ground truth does not expect
 * @param deploySeconds for the job: submission to all tasks running (not part of the throughput)
 * @param cpuSeconds CPU seconds this JVM (harness, broker and Flink cluster) spent in that time, by
 *     kind of thread ({@link CpuAccount}); empty where they cannot be counted
 * @param stateBytes for the job: the state of a checkpoint taken once the last alert was seen (all
 *     operators together, in Flink's checkpoint statistics); -1 where not measured
 */
public record ThroughputSample(
    double recordsPerSecond,
    double seconds,
    int distinctAlerts,
    int duplicates,
    int missing,
    int unexpected,
    double deploySeconds,
    Map<String, Double> cpuSeconds,
    long stateBytes) {

  /** The output matches the ground truth exactly, without duplicates. */
  public boolean exact() {
    return duplicates == 0 && missing == 0 && unexpected == 0;
  }
}
