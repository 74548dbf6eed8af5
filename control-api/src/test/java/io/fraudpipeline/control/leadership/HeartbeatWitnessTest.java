package io.fraudpipeline.control.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class HeartbeatWitnessTest {

  private static final long MS = 1_000_000L;

  private final Value count = new Value("heartbeat-total", 0.0);
  private final Value maxRoundTrip = new Value("heartbeat-response-time-max", Double.NaN);
  private final Map<MetricName, Metric> metrics = new HashMap<>();

  HeartbeatWitnessTest() {
    metrics.put(count.metricName(), count);
    metrics.put(maxRoundTrip.metricName(), maxRoundTrip);
  }

  @Test
  void anAcceptedHeartbeatWasSentNoEarlierThanThePreviousCheckMinusTheLongestRoundTrip() {
    HeartbeatWitness witness = new HeartbeatWitness(metrics);
    assertThat(witness.check(1_000 * MS)).isEmpty();

    count.value = 1;
    maxRoundTrip.value = 40;
    assertThat(witness.check(1_100 * MS)).hasValue(960 * MS);
  }

  @Test
  void withoutANewAcceptedHeartbeatThereIsNothingToRenewFrom() {
    HeartbeatWitness witness = new HeartbeatWitness(metrics);
    count.value = 3;
    maxRoundTrip.value = 5;
    witness.check(1_000 * MS);

    assertThat(witness.check(1_100 * MS)).isEmpty();
    assertThat(witness.check(1_200 * MS)).isEmpty();
  }

  @Test
  void aHeartbeatAnsweredAfterAFreezeCountsFromBeforeTheFreeze() {
    HeartbeatWitness witness = new HeartbeatWitness(metrics);
    witness.check(1_000 * MS);

    // Frozen for 20 s with a heartbeat in flight: its round trip includes the freeze.
    count.value = 1;
    maxRoundTrip.value = 20_050;
    assertThat(witness.check(21_100 * MS)).hasValue(-19_050 * MS);
  }

  @Test
  void refusesAConsumerWithoutTheClassicProtocolsHeartbeatMetrics() {
    assertThatThrownBy(() -> new HeartbeatWitness(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("classic");
  }

  private static final class Value implements Metric {

    private final MetricName name;
    private double value;

    Value(String name, double value) {
      this.name = new MetricName(name, "consumer-coordinator-metrics", "", Map.of());
      this.value = value;
    }

    @Override
    public MetricName metricName() {
      return name;
    }

    @Override
    public Object metricValue() {
      return value;
    }
  }
}
