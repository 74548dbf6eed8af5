package io.fraudpipeline.control.rules;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  private final RulesProperties properties;
  private ScheduledExecutorService scheduler;

  DesiredRulesRefresher(RuleSetLog rules, RulesProperties properties) {
    this.rules = rules;
    this.properties = properties;
  }

  private void refresh() {
    try {
      rules.latest();
    } catch (RuntimeException e) {
      log.debug("Cannot refresh the rules: {}", e.toString());
    }
  }

  @Override
  public synchronized void start() {
    if (scheduler == null) {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "rules-refresher");
                t.setDaemon(true);
                return t;
              });
      scheduler.scheduleWithFixedDelay(
          this::refresh, 0, properties.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(
            properties.publishTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
