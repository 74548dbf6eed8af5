package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * A replica that shuts down ends its own backtests in progress, within {@code
 * fraud.backtests.shutdown-grace}: each cancels its Flink job, deletes its output topic and fails
 * saying the replica shut down, with a normal {@code BacktestEndedAtShutdown} event. Before, a
 * planned restart left them as a crash does: the job ran on (one finished 3 s later), and the next
 * leader cancelled or discarded it with a {@code BacktestAbandoned} warning that paged people.
 *
 * <p>From then on, the replica refuses new backtests (503 {@code shutting-down}, naming it):
 * another replica takes them.
 *
 * <p>In the default phase, it stops before the replica leaves the election ({@code
 * LeaderElectionLifecycle}, a lower phase): while it is still in the group no other replica takes
 * its backtests for abandoned, so the two never clean up the same one.
 */
@Component
class BacktestsAtShutdown implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(BacktestsAtShutdown.class);

  private final Operations operations;
  private final BacktestProperties properties;
  private volatile boolean running;

  BacktestsAtShutdown(Operations operations, BacktestProperties properties) {
    this.operations = operations;
    this.properties = properties;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    // Also with no grace: one accepted now would be left to another replica's cleanup at once.
    operations.refuseNew(OperationKind.BACKTEST);
    if (properties.shutdownGrace().isZero() || properties.shutdownGrace().isNegative()) {
      return;
    }
    try {
      if (!operations.endAtShutdown(OperationKind.BACKTEST, properties.shutdownGrace())) {
        log.info(
            "Backtests still ending after fraud.backtests.shutdown-grace ({}): left to the"
                + " backtest cleanup of another replica",
            properties.shutdownGrace());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
