package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Re-reads the rules topic every {@code fraud.rules.refresh-interval}, so the desired version gauge
 * follows changes made by anyone (another control plane, a script) without a request asking.
 */
@Component
class DesiredRulesRefresher extends PeriodicLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DesiredRulesRefresher.class);

  private final RuleSetLog rules;

  DesiredRulesRefresher(RuleSetLog rules, RulesProperties properties, TopicsProperties topics) {
    super(
        "rules-refresher",
        properties.refreshInterval(),
        // A refresh in progress ends within the rules readers' timeout.
        topics.readTimeout().plusSeconds(1));
    this.rules = rules;
  }

  @Override
  protected void poll() {
    try {
      rules.latest();
    } catch (RuntimeException e) {
      log.debug("Cannot refresh the rules: {}", e.toString());
    }
  }
}
