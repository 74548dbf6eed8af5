package io.fraudpipeline.control.rules;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** The desired and applied rules versions as gauges (docs/metrics.md). */
@Component
class RulesMetrics {

  RulesMetrics(MeterRegistry registry, RuleSetLog rules, AppliedRulesVersion applied) {
    Gauge.builder("fraud.rules.version.desired", rules, r -> r.cached().version())
        .description("Version of the rule set on the rules topic (0: the built-in defaults)")
        .register(registry);
    Gauge.builder(
            "fraud.rules.version.applied",
            applied,
            a -> a.current().map(r -> (double) r.version()).orElse(Double.NaN))
        .description(
            "Version of the rule set the running fraud job applies; NaN when no job reports one")
        .register(registry);
  }
}
