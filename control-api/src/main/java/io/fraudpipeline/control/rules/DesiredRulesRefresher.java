package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.scheduling.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Re-reads the rules topic every {@code fraud.rules.refresh-interval}, so the desired version gauge
 * follows changes made by anyone (another control plane, a script) without a request asking.
 */
@Component
class DesiredRulesRefresher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DesiredRulesRefresher.class);

  private final RuleSetLog rules;
  private final PeriodicTask task;

  DesiredRulesRefresher(RuleSetLog rules, RulesProperties properties) {
    this.rules = rules;
    this.task =
        new PeriodicTask(
            "rules-refresher",
            this::refresh,
            properties.refreshInterval(),
            // A refresh in progress ends within the rules readers' timeout.
            properties.publishTimeout().plusSeconds(1));
  }

  private void refresh() {
    try {
      rules.latest();
    } catch (RuntimeException e) {
      log.debug("Cannot refresh the rules: {}", e.toString());
    }
  }

  @Override
  public void start() {
    task.start();
  }

  @Override
  public void stop() {
    task.stop();
  }

  @Override
  public boolean isRunning() {
    return task.isRunning();
  }
}
