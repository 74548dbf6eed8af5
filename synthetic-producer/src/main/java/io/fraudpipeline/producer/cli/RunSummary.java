package io.fraudpipeline.producer.cli;

import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.generate.Label;
import io.fraudpipeline.producer.send.RunProgress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The lines printed when a run ends. */
final class RunSummary {

  private RunSummary() {}

  static String of(RunProgress progress, GeneratorSettings generator) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%s after %.1f s: sent %,d, acknowledged %,d, failed %,d (average %,.0f records/s)%n",
            progress.state(),
            progress.elapsed().toMillis() / 1000.0,
            progress.sent(),
            progress.acknowledged(),
            progress.failed(),
            progress.averageRate()));
    text.append("records: ").append(labels(progress.sentByLabel())).append(System.lineSeparator());
    if (progress.lastError() != null) {
      text.append("last error: ").append(progress.lastError()).append(System.lineSeparator());
    }
    text.append("same records again: --seed ")
        .append(generator.seed())
        .append(" --start-time ")
        .append(generator.startTime())
        .append(" (and the same options)")
        .append(System.lineSeparator());
    return text.toString();
  }

  static String labels(Map<Label, Long> counts) {
    if (counts.isEmpty()) {
      return "none";
    }
    StringJoiner joiner = new StringJoiner(", ");
    for (Label label : Label.values()) {
      Long count = counts.get(label);
      if (count != null) {
        joiner.add(String.format(Locale.ROOT, "%s %,d", label.displayName(), count));
      }
    }
    return joiner.toString();
  }

  /** A duration as a person writes it: {@code 500ms}, {@code 30s}, {@code 1h30m}. */
  static String human(Duration duration) {
    if (duration.toMillis() < 1000) {
      return duration.toMillis() + "ms";
    }
    StringBuilder text = new StringBuilder();
    long seconds = duration.toSeconds();
    if (seconds >= 3600) {
      text.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      text.append((seconds % 3600) / 60).append('m');
    }
    if (seconds % 60 > 0 || text.isEmpty()) {
      text.append(seconds % 60).append('s');
    }
    return text.toString();
  }

  /** {@code hh:mm:ss} of a duration. */
  static String clock(Duration elapsed) {
    long seconds = elapsed.toSeconds();
    return String.format(
        Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }
}
