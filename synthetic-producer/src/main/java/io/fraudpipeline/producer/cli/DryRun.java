package io.fraudpipeline.producer.cli;

import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.generate.Label;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Generates records without Kafka, to see what a run would send and how fast the generator is. */
final class DryRun {

  private DryRun() {}

  static void run(GeneratorSettings settings, long count, PrintWriter out) {
    long buildStart = System.nanoTime();
    TransactionGenerator generator = new TransactionGenerator(settings);
    double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
    long[] byLabel = new long[Label.values().length];
    long bytes = 0;
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      var record = generator.next();
      byLabel[record.label().ordinal()]++;
      bytes += record.value().length;
    }
    double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
    Map<Label, Long> counts = new EnumMap<>(Label.class);
    for (Label label : Label.values()) {
      if (byLabel[label.ordinal()] > 0) {
        counts.put(label, byLabel[label.ordinal()]);
      }
    }
    out.printf(
        Locale.ROOT,
        "dry run: generated %,d records (%,d bytes, mean %d bytes) in %.2f s: %,.0f records/s"
            + " (pools built in %.2f s)%n",
        count,
        bytes,
        bytes / count,
        seconds,
        count / seconds,
        buildSeconds);
    out.println("records: " + RunSummary.labels(counts));
    out.flush();
  }
}
