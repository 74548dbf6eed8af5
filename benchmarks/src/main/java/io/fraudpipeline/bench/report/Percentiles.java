package io.fraudpipeline.bench.report;

import java.util.Arrays;

/**
 * Exact percentiles of a set of samples (nearest-rank: the smallest sample such that at least p %
 * of the samples are at or below it), computed from all samples rather than estimated.
 *
 * @param count number of samples
 * @param p50 median
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest sample
 */
public record Percentiles(int count, double p50, double p99, double p999, double max) {

  public static Percentiles of(long[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    return new Percentiles(
        sorted.length,
        rank(sorted, 50.0),
        rank(sorted, 99.0),
        rank(sorted, 99.9),
        sorted[sorted.length - 1]);
  }

  /** The nearest-rank percentile of sorted samples. */
  static double rank(long[] sorted, double percentile) {
    // The epsilon keeps floating-point noise (0.99 * 1000 = 990.0000000000001) off the next rank.
    int rank = (int) Math.ceil(percentile * sorted.length / 100.0 - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
