package io.fraudpipeline.bench.producer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One producer run's outcome.
 *
 * @param records records acknowledged
 * @param recordsPerSecond records per second, as the tool measured it
 * @param megabytesPerSecond value megabytes per second (ProducerPerformance's own figure; for the
 *     synthetic producer computed from the mean value size)
 */
record ProducerResult(long records, double recordsPerSecond, double megabytesPerSecond) {

  /** ProducerPerformance's summary: "N records sent, X records/sec (Y MB/sec), ...". */
  private static final Pattern PERF_SUMMARY =
      Pattern.compile(
          "^(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)", Pattern.MULTILINE);

  private static final Pattern SYNTHETIC =
      Pattern.compile(
          "^"
              + SyntheticProducerMain.RESULT
              + " acknowledged=(\\d+) failed=(\\d+) seconds=([\\d.]+) state=(\\w+)",
          Pattern.MULTILINE);

  /** The last summary line ProducerPerformance printed. */
  static ProducerResult parseProducerPerformance(String output) {
    Matcher m = PERF_SUMMARY.matcher(output);
    ProducerResult last = null;
    while (m.find()) {
      last =
          new ProducerResult(
              Long.parseLong(m.group(1)),
              Double.parseDouble(m.group(2)),
              Double.parseDouble(m.group(3)));
    }
    if (last == null) {
      throw new IllegalStateException("no ProducerPerformance summary in: " + tail(output));
    }
    return last;
  }

  /** The synthetic producer's RESULT line; MB/s from the mean value size. */
  static ProducerResult parseSynthetic(String output, double meanValueBytes) {
    Matcher m = SYNTHETIC.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no synthetic producer result in: " + tail(output));
    }
    long records = Long.parseLong(m.group(1));
    long failed = Long.parseLong(m.group(2));
    double seconds = Double.parseDouble(m.group(3));
    if (failed > 0) {
      throw new IllegalStateException("the synthetic producer had " + failed + " failed sends");
    }
    double rate = records / seconds;
    return new ProducerResult(records, rate, rate * meanValueBytes / (1024 * 1024));
  }

  private static String tail(String output) {
    return output.length() <= 2000 ? output : output.substring(output.length() - 2000);
  }
}
