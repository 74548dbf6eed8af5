package io.fraudpipeline.control.topics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A family of gauges whose series read their latest value. An update changes values in place and
 * registers or removes only the series that appeared or went: replacing every meter on each sample
 * (MultiGauge's overwrite) let a Prometheus scrape that ran meanwhile see one series twice and
 * answer 500.
 */
final class LiveMultiGauge {

  private final MultiGauge gauge;
  private final Map<Tags, Double> values = new ConcurrentHashMap<>();

  LiveMultiGauge(MeterRegistry registry, String name, String description) {
    this.gauge = MultiGauge.builder(name).description(description).register(registry);
  }

  /** The series from now on, with their values; series not given disappear. */
  void set(Map<Tags, ? extends Number> series) {
    values.keySet().retainAll(series.keySet());
    series.forEach((tags, value) -> values.put(tags, value.doubleValue()));
    List<MultiGauge.Row<?>> rows =
        series.keySet().stream()
            .<MultiGauge.Row<?>>map(
                tags -> MultiGauge.Row.of(tags, values, v -> v.getOrDefault(tags, Double.NaN)))
            .toList();
    gauge.register(rows, false);
  }
}
