package io.fraudpipeline.bench.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Debian's {@code wrk}, run as a second process against a local URL for a bounded time. */
final class Wrk {

  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

  private Wrk() {}

  /**
   * One load run's result.
   *
   * @param p50Ms median latency
   * @param p99Ms 99th percentile latency
   * @param requestsPerSecond throughput
   * @param errors non-2xx/3xx responses
   */
  record Result(double p50Ms, double p99Ms, double requestsPerSecond, long errors) {}

  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static Result run(String url, int threads, int connections, Duration duration)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                List.of(
                    "wrk",
                    "-t" + threads,
                    "-c" + connections,
                    "-d" + duration.toSeconds() + "s",
                    "--latency",
                    url))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("wrk did not end");
    }
    return parse(output);
  }

  static Result parse(String output) {
    double p50 = -1;
    double p99 = -1;
    Matcher m = PERCENTILE.matcher(output);
    while (m.find()) {
      double ms = millis(Double.parseDouble(m.group(2)), m.group(3));
      if (m.group(1).equals("50")) {
        p50 = ms;
      } else {
        p99 = ms;
      }
    }
    Matcher rate = RATE.matcher(output);
    if (p50 < 0 || p99 < 0 || !rate.find()) {
      throw new IllegalStateException("unexpected wrk output: " + output);
    }
    Matcher errors = NON_2XX.matcher(output);
    return new Result(
        p50,
        p99,
        Double.parseDouble(rate.group(1)),
        errors.find() ? Long.parseLong(errors.group(1)) : 0);
  }

  private static double millis(double value, String unit) {
    return switch (unit) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
  }
}
