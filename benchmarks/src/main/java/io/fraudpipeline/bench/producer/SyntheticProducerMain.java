package io.fraudpipeline.bench.producer;

import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunProgress;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The synthetic producer at full speed, in its own JVM (as ProducerPerformance runs in its own):
 * {@code <bootstrap servers> <topic> <records> <seed>}. Prints one {@code RESULT} line.
 */
public final class SyntheticProducerMain {

  /** Prefix of the line the harness reads. */
  static final String RESULT = "RESULT";

  private SyntheticProducerMain() {}

  public static void main(String[] args) throws InterruptedException {
    RunSettings settings =
        RunSettings.builder()
            .bootstrapServers(args[0])
            .topic(args[1])
            .ratePerSecond(0)
            .count(Long.parseLong(args[2]))
            .generator(g -> g.seed(Long.parseLong(args[3])))
            .build();
    ProducerRun run = SyntheticProducer.start(settings, Map.of());
    if (!run.awaitCompletion(Duration.ofMinutes(20))) {
      run.stop();
      run.awaitCompletion(Duration.ofMinutes(1));
    }
    RunProgress done = run.progress();
    System.out.printf(
        Locale.ROOT,
        "%s acknowledged=%d failed=%d seconds=%.6f state=%s%n",
        RESULT,
        done.acknowledged(),
        done.failed(),
        done.elapsed().toNanos() / 1e9,
        done.state());
    System.out.flush();
    System.exit(done.allAcknowledged() ? 0 : 1);
  }
}
