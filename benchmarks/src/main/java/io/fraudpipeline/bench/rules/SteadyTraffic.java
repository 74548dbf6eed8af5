package io.fraudpipeline.bench.rules;

import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.util.Map;

/**
 * The traffic rule changes are measured under (scenarios 4 and 7): the synthetic producer at a
 * steady rate with a fifth of the amounts over the threshold, so an alert is due every few
 * milliseconds, and no velocity bursts.
 */
final class SteadyTraffic {

  static final long RATE = 1000;
  static final double FRAUD_RATIO = 0.2;

  private SteadyTraffic() {}

  /** Starts the traffic into {@code topic}; the caller stops it. */
  static ProducerRun start(String bootstrapServers, String topic, long seed) {
    return SyntheticProducer.start(
        RunSettings.builder()
            .bootstrapServers(bootstrapServers)
            .topic(topic)
            .ratePerSecond(RATE)
            .generator(g -> g.fraudRatio(FRAUD_RATIO).velocityShare(0.0).seed(seed))
            .build(),
        Map.of());
  }
}
