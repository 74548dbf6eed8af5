package io.fraudpipeline.producer.cli;

import io.fraudpipeline.producer.send.RunProgress;
import java.io.PrintWriter;
import java.time.Duration;

/** One plain line every interval, for logs and pipes where a redrawn bar would be noise. */
final class ProgressLineDisplay implements ProgressDisplay {

  private final PrintWriter out;
  private final long intervalNanos;
  private long nextAtNanos;

  ProgressLineDisplay(PrintWriter out, Duration interval) {
    this.out = out;
    this.intervalNanos = interval.toNanos();
    this.nextAtNanos = intervalNanos;
  }

  @Override
  public void update(RunProgress progress) {
    if (progress.elapsed().toNanos() < nextAtNanos) {
      return;
    }
    while (nextAtNanos <= progress.elapsed().toNanos()) {
      nextAtNanos += intervalNanos;
    }
    out.println(line(progress));
    out.flush();
  }

  static String line(RunProgress progress) {
    return String.format(
        java.util.Locale.ROOT,
        "%s %-8s sent %,d  acknowledged %,d  failed %,d  in flight %,d  rate %,.0f/s",
        RunSummary.clock(progress.elapsed()),
        progress.state(),
        progress.sent(),
        progress.acknowledged(),
        progress.failed(),
        progress.inFlight(),
        progress.currentRate());
  }

  @Override
  public void close() {
    out.flush();
  }
}
