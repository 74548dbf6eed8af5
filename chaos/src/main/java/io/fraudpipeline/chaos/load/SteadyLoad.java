package io.fraudpipeline.chaos.load;

import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunProgress;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The synthetic producer at a steady rate, without a bound: a scenario stops it once the fault and
 * the time after it are over.
 *
 * <p>No velocity bursts: an amount alert is decided by its transaction alone, so the expected
 * alerts follow from what reached the topic, whatever the timing of a fault (velocity alerts depend
 * on event-time windows and are the fraud-job tests' subject).
 */
public final class SteadyLoad {

  private final ProducerRun run;

  private SteadyLoad(ProducerRun run) {
    this.run = run;
  }

  public static SteadyLoad start(
      String bootstrapServers, String topic, long ratePerSecond, long seed) {
    RunSettings settings =
        RunSettings.builder()
            .bootstrapServers(bootstrapServers)
            .topic(topic)
            .ratePerSecond(ratePerSecond)
            .generator(g -> g.seed(seed).fraudRatio(0.05).velocityShare(0).malformedRatio(0.01))
            .build();
    // A broker frozen or restarting holds records in flight: they must wait for it rather than
    // fail after the default two minutes.
    return new SteadyLoad(
        SyntheticProducer.start(
            settings, Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000)));
  }

  /** Stops sending and waits until every record in flight is acknowledged or failed. */
  public RunProgress stop(Duration timeout) throws InterruptedException {
    run.stop();
    if (!run.awaitCompletion(timeout)) {
      throw new IllegalStateException("the producer did not finish within " + timeout);
    }
    return run.progress();
  }
}
