package io.fraudpipeline.bench.report;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Repetitions of one measurement: their median, minimum and maximum, and the values themselves.
 *
 * @param values every repetition's value, in the order measured
 */
public record Summary(List<Double> values) {

  public Summary {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("a summary needs at least one value");
    }
    values = List.copyOf(values);
  }

  public static Summary of(double... values) {
    return new Summary(Arrays.stream(values).boxed().toList());
  }

  /** Measured durations, in whole milliseconds. */
  public static Summary ofMillis(List<Duration> durations) {
    return new Summary(durations.stream().map(d -> (double) d.toMillis()).toList());
  }

  /** The middle value; the mean of the two middle ones for an even count. */
  public double median() {
    double[] sorted = sorted();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  public double min() {
    return sorted()[0];
  }

  public double max() {
    double[] sorted = sorted();
    return sorted[sorted.length - 1];
  }

  public int count() {
    return values.size();
  }

  private double[] sorted() {
    return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }
}
