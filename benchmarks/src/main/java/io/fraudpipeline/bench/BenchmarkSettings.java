package io.fraudpipeline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes and settings of one benchmark run; the report lists them.
 *
 * @param repetitions repetitions of every measurement (the report gives median and min–max)
 * @param partitions partitions of every transactions and alerts topic
 * @param checkpointInterval the fraud job's checkpoint interval in every scenario but the aggregate
 *     rules'
 * @param aggregatesCheckpointInterval the fraud job's checkpoint interval in the aggregate rules'
 *     scenario, whose window state every checkpoint writes in full
 * @param throughputRecords records pre-filled for the throughput scenario
 * @param producerRecords records per producer run
 * @param latencyRates the fixed rates of the latency scenario, records/s
 * @param latencyDuration how long each latency measurement sends
 * @param latencyFraudRatio share of transactions that raise an alert in the latency scenario (each
 *     alert is one latency sample)
 * @param ruleChanges live rule changes measured
 * @param restartChanges rule changes by stop-with-savepoint and restart measured
 * @param seed the generator's seed
 * @param profile record a JFR profile where a target is missed
 * @param gcBetweenPasses run a full garbage collection before each throughput pass, outside its
 *     measured time
 * @param workDir where payload files, logs and profiles go
 */
public record BenchmarkSettings(
    int repetitions,
    int partitions,
    Duration checkpointInterval,
    Duration aggregatesCheckpointInterval,
    long throughputRecords,
    long producerRecords,
    List<Long> latencyRates,
    Duration latencyDuration,
    double latencyFraudRatio,
    int ruleChanges,
    int restartChanges,
    long seed,
    boolean profile,
    boolean gcBetweenPasses,
    Path workDir) {

  public BenchmarkSettings {
    latencyRates = List.copyOf(latencyRates);
    if (repetitions < 1) {
      throw new IllegalArgumentException("repetitions must be at least 1");
    }
  }

  /** The settings as the report lists them. */
  public Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("Repetitions per measurement", Integer.toString(repetitions));
    d.put("Partitions (transactions, alerts)", Integer.toString(partitions));
    d.put("Fraud job checkpoint interval", checkpointInterval.toMillis() + " ms");
    d.put(
        "Fraud job checkpoint interval, aggregate rules scenario",
        aggregatesCheckpointInterval.toMillis() + " ms");
    d.put("Throughput: pre-filled records", Long.toString(throughputRecords));
    d.put("Producer: records per run", Long.toString(producerRecords));
    d.put("Latency: fixed rates (records/s)", latencyRates.toString());
    d.put("Latency: sending time per measurement", latencyDuration.toSeconds() + " s");
    d.put("Latency: share of transactions raising an alert", Double.toString(latencyFraudRatio));
    d.put("Rules: live changes", Integer.toString(ruleChanges));
    d.put("Rules: restart-based changes", Integer.toString(restartChanges));
    d.put("Generator seed", Long.toString(seed));
    d.put(
        "Throughput passes: full garbage collection before each",
        gcBetweenPasses ? "yes" : "no (--no-gc-between-passes)");
    return d;
  }
}
