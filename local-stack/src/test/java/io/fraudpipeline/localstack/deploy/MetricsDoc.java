package io.fraudpipeline.localstack.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** docs/metrics.md: the control-api's metric names, and the alerts. */
final class MetricsDoc {

  static final String FILE = "docs/metrics.md";

  private final String text;

  private MetricsDoc(String text) {
    this.text = text;
  }

  /** The page; skips the test, or fails it under {@code CI=true}, when it has not landed. */
  static MetricsDoc load() {
    Optional<Path> doc = RepositoryFiles.optional(FILE);
    Prerequisite.require(
        doc.isPresent(), FILE + " (the control-api's metric names) has not landed");
    try {
      return new MetricsDoc(Files.readString(doc.get()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String text() {
    return text;
  }

  /**
   * Whether a name as Prometheus shows it is on the page: itself, or the meter it comes from (a
   * timer's {@code _count}, {@code _sum} and {@code _max}, Micrometer's dotted name).
   */
  boolean documents(String prometheusName) {
    if (text.contains(prometheusName)) {
      return true;
    }
    String base = prometheusName.replaceAll("_(total|count|sum|max|bucket)$", "");
    return text.contains(base) || text.contains(base.replace('_', '.'));
  }
}
