package io.fraudpipeline.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How numbers look in the report. */
public final class Format {

  private Format() {}

  /** A whole number with thin grouping: 1234567 → "1 234 567". */
  public static String count(double value) {
    return String.format(Locale.ROOT, "%,d", Math.round(value)).replace(',', ' ');
  }

  /** A ratio with two decimals. */
  public static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** Milliseconds: one decimal below 10 ms, whole above. */
  public static String millis(double value) {
    return value < 10
        ? String.format(Locale.ROOT, "%.1f ms", value)
        : String.format(Locale.ROOT, "%s ms", count(value));
  }

  /** A number with {@code decimals} decimals. */
  public static String decimal(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** "median (min–max)" of a summary, each value formatted by {@code unit}. */
  public static String medianRange(Summary s, java.util.function.DoubleFunction<String> unit) {
    return unit.apply(s.median()) + " (" + unit.apply(s.min()) + " – " + unit.apply(s.max()) + ")";
  }

  /** Every repetition's value, in measuring order, separated by " / ". */
  public static String runs(Summary s, java.util.function.DoubleFunction<String> unit) {
    return join(s.values().stream().map(v -> unit.apply(v)).toList());
  }

  /** A chart's note on what the bars show: "median of 3 runs, whiskers min–max". */
  public static String medianOf(int runs) {
    return runs == 1 ? "1 run" : "median of " + runs + " runs, whiskers min–max";
  }

  private static String join(List<String> parts) {
    return parts.stream().collect(Collectors.joining(" / "));
  }
}
