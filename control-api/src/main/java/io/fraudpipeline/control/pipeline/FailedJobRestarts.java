package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings back a job Flink gave up on ({@code FAILED}) from its last state: first waits the backoff,
 * then redeploys, within the restart budget ({@code fraud.reconciler.restart-budget}); past the
 * budget it gives up and says why, until the desired state changes. A job that failed while the
 * desired state names another jar comes back once, on that jar, as the upgrade it was due for
 * ({@link UpgradeReconciler#deployLost}); one that runs a release still watched after its upgrade
 * is rolled back instead ({@link RollbackReconciler#watchFailed}).
 */
final class FailedJobRestarts {

  private final PipelineActions actions;
  private final UpgradeReconciler upgrades;
  private final RollbackReconciler rollbacks;
  private final ReconcileSteps steps;
  private final EventRecorder events;
  private final ReconcilerProperties.RestartBudget budget;
  private final Clock clock;

  FailedJobRestarts(
      PipelineActions actions,
      UpgradeReconciler upgrades,
      RollbackReconciler rollbacks,
      ReconcileSteps steps,
      EventRecorder events,
      ReconcilerProperties.RestartBudget budget,
      Clock clock) {
    this.actions = actions;
    this.upgrades = upgrades;
    this.rollbacks = rollbacks;
    this.steps = steps;
    this.events = events;
    this.budget = budget;
    this.clock = clock;
  }

  PipelineStatus restart(DesiredState desired, FlinkJob failed, PipelineStatus status)
      throws InterruptedException {
    PipelineStatus rolledBack = rollbacks.watchFailed(desired, failed, status);
    if (rolledBack != null) {
      return rolledBack;
    }
    String cause = failed.failureCause() == null ? "no cause reported" : failed.failureCause();
    if (status.gaveUp() != null) {
      return steps.withStep(status, "none", "Gave up: " + status.gaveUp());
    }
    if (!desired.spec().restartFailed()) {
      if (status.lastStep() == null || !"failed-reported".equals(status.lastStep().action())) {
        events.warning(
            EventReason.JOB_FAILED,
            "Job " + failed.jobId() + " FAILED (" + cause + "); restart_failed is off",
            failed.jobId());
      }
      return steps.withStep(
          status, "failed-reported", "Job " + failed.jobId() + " FAILED: " + cause);
    }
    Instant now = clock.instant();
    List<Instant> recent = budget.recent(status.failureRestarts(), now);
    if (recent.size() >= budget.maxRestarts()) {
      String why =
          "job "
              + failed.jobId()
              + " FAILED "
              + (recent.size() + 1)
              + " times within "
              + budget.window()
              + ": "
              + cause;
      PipelineStatus.Builder next = status.toBuilder();
      next.gaveUp = why;
      next.failureRestarts = recent;
      events.warning(
          EventReason.RESTART_BUDGET_EXHAUSTED, "Restarting stopped: " + why, failed.jobId());
      return steps.withStep(next.build(), "give-up", why);
    }
    if (status.notBefore() != null && now.isBefore(status.notBefore())) {
      return steps.withStep(
          status,
          "wait",
          "Job "
              + failed.jobId()
              + " FAILED; restart "
              + (recent.size() + 1)
              + " not before "
              + status.notBefore());
    }
    if (status.notBefore() == null) {
      // First sight of this failure: wait the backoff before restarting.
      PipelineStatus.Builder waiting = status.toBuilder();
      waiting.notBefore = now.plus(budget.backoff(recent.size()));
      waiting.failureRestarts = recent;
      events.warning(
          EventReason.JOB_FAILED,
          "Job "
              + failed.jobId()
              + " FAILED ("
              + cause
              + "); restarting from its last state at "
              + waiting.notBefore,
          failed.jobId());
      return steps.withStep(waiting.build(), "wait", "Job FAILED: " + cause);
    }
    PipelineStatus.Builder next = status.toBuilder();
    List<Instant> restarts = new ArrayList<>(recent);
    restarts.add(now);
    next.failureRestarts = restarts;
    next.notBefore = null;
    RestorePoint from = actions.newestState(status, failed.jobId());
    String restart =
        "Job "
            + failed.jobId()
            + " FAILED ("
            + cause
            + "); restart "
            + restarts.size()
            + " of "
            + budget.maxRestarts();
    String jar = status.keptJar(desired.spec());
    String wantedJar = status.desiredJar(desired.spec());
    if (wantedJar != null && !wantedJar.equals(jar) && upgrades.broughtBack(status, jar) == null) {
      // The desired state names another jar (an upgrade asked for while, or just before, the job
      // failed): one job, on that jar, rather than the old jar first and an upgrade after, whose
      // older restore point would repeat what the interim job committed.
      return upgrades.deployLost(
          desired,
          next.build(),
          from,
          jar,
          wantedJar,
          "FAILED (" + cause + ")",
          how -> StepEvent.warning("restart", EventReason.JOB_RESTARTED, restart + ": " + how));
    }
    return actions.deploy(
        desired,
        next.build(),
        from,
        jar,
        null,
        StepEvent.warning(
            "restart",
            EventReason.JOB_RESTARTED,
            restart + " from " + RestorePoint.describe(from)));
  }
}
