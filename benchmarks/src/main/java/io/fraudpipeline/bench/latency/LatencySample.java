package io.fraudpipeline.bench.latency;

import io.fraudpipeline.bench.report.Percentiles;

/**
 * One latency measurement at a fixed rate.
 *
 * @param targetRate records/s the producer was paced at
 * @param achievedRate records/s the broker acknowledged on average
 * @param toAppend transaction record timestamp → alert's broker append time (ms)
 * @param toVisible transaction record timestamp → alert received by a {@code read_committed}
 *     consumer (ms)
 */
record LatencySample(
    long targetRate, double achievedRate, Percentiles toAppend, Percentiles toVisible) {}
