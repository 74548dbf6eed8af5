package io.fraudpipeline.control.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveMultiGaugeTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final LiveMultiGauge gauge = new LiveMultiGauge(registry, "test.offsets", "offsets");

  @Test
  void updatesValuesInPlaceWithoutReplacingTheSeriesAScrapeReads() {
    Tags zero = Tags.of("partition", "0");
    gauge.set(Map.of(zero, 10L));
    Gauge first = registry.get("test.offsets").tags(zero).gauge();

    gauge.set(Map.of(zero, 25L));

    Gauge second = registry.get("test.offsets").tags(zero).gauge();
    assertThat(second).isSameAs(first);
    assertThat(second.value()).isEqualTo(25.0);
    assertThat(registry.find("test.offsets").gauges()).hasSize(1);
  }

  @Test
  void addsAndRemovesSeriesAsTheyComeAndGo() {
    Tags zero = Tags.of("partition", "0");
    Tags one = Tags.of("partition", "1");
    gauge.set(Map.of(zero, 1L, one, 2L));
    assertThat(registry.find("test.offsets").gauges()).hasSize(2);

    gauge.set(Map.of(one, 3L));

    assertThat(registry.find("test.offsets").gauges())
        .singleElement()
        .satisfies(g -> assertThat(g.value()).isEqualTo(3.0));
    gauge.set(Map.of());
    assertThat(registry.find("test.offsets").gauges()).isEmpty();
  }
}
