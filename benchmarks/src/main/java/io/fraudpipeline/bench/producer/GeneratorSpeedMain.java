package io.fraudpipeline.bench.producer;

import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import io.fraudpipeline.producer.send.RunSettings;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The synthetic producer's generator alone, without Kafka, in its own JVM: {@code <records>
 * <seed>}. Generates (draws, builds and encodes) the records on one thread, as the send loop does,
 * and prints one {@code GENERATOR} line with the records per second. The producer's rate divided by
 * this one is about the share of its sending thread's time that goes into generating.
 */
public final class GeneratorSpeedMain {

  static final String RESULT = "GENERATOR";

  private static final Pattern LINE =
      Pattern.compile(
          "^" + RESULT + " records=(\\d+) seconds=([\\d.]+) bytes=(\\d+)", Pattern.MULTILINE);

  private GeneratorSpeedMain() {}

  public static void main(String[] args) {
    long records = Long.parseLong(args[0]);
    long seed = Long.parseLong(args[1]);
    TransactionGenerator generator =
        new TransactionGenerator(
            RunSettings.builder()
                .bootstrapServers("unused:9092")
                .ratePerSecond(0)
                .generator(g -> g.seed(seed).startTime(Instant.now()))
                .build()
                .generator());
    // Timed from the first record, cold, like the producer's run: JIT warm-up is part of it.
    long bytes = 0;
    long start = System.nanoTime();
    for (long i = 0; i < records; i++) {
      GeneratedRecord record = generator.next();
      bytes += record.value().length;
    }
    long nanos = System.nanoTime() - start;
    System.out.printf(
        Locale.ROOT, "%s records=%d seconds=%.6f bytes=%d%n", RESULT, records, nanos / 1e9, bytes);
  }

  /** Records per second from the child's output. */
  static double parse(String output) {
    Matcher m = LINE.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no generator result in: " + output);
    }
    return Long.parseLong(m.group(1)) / Double.parseDouble(m.group(2));
  }
}
