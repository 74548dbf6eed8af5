package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.jobs.JobJar;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Takes an upgrade onto another jar through its phases ({@link Upgrade.Phase}): once the old job is
 * down, the new one is deployed and must be ready in time (RUNNING, every task running, a
 * checkpoint completed); if it is not, or Flink keeps restarting it ({@link RestartLoop}), it is
 * cancelled and the old jar deployed again from the state saved before the upgrade, a rollback
 * recorded in the desired state ({@link RollbackReconciler}). Once ready, the release is watched
 * for {@code fraud.reconciler.upgrade.watch-period}: if Flink keeps restarting it or it fails
 * within it, it is rolled back too, from its own newest checkpoint (see {@link
 * RollbackReconciler#watch}). Another change of the desired state abandons it. One step per
 * reconciliation, as the rest of the reconciler.
 */
final class UpgradeReconciler {

  /** An upgrade a replacement starts: the desired version that asked, and the jars. */
  record Intent(long desiredVersion, String fromJar, String toJar) {}

  private final PipelineActions actions;
  private final ReconcileSteps steps;
  private final EventRecorder events;
  private final RollbackReconciler rollbacks;
  private final Duration readinessTimeout;
  private final Duration watchPeriod;
  private final RestartLoop restartLoop;
  private final Clock clock;

  /** See {@link PipelineReconciler}'s constructor for what each part is. */
  UpgradeReconciler(
      PipelineActions actions,
      ReconcileSteps steps,
      EventRecorder events,
      RollbackReconciler rollbacks,
      Duration readinessTimeout,
      Duration watchPeriod,
      RestartLoop restartLoop,
      Clock clock) {
    this.actions = actions;
    this.steps = steps;
    this.events = events;
    this.rollbacks = rollbacks;
    this.readinessTimeout = readinessTimeout;
    this.watchPeriod = watchPeriod;
    this.restartLoop = restartLoop;
    this.clock = clock;
  }

  /**
   * Starts the upgrade whose old job was just taken down (replacing it; the next step deploys the
   * new jar) and says so.
   *
   * @param before the old job's state, which a rollback restores
   * @param how what was done to the old job
   */
  PipelineStatus started(
      PipelineStatus.Builder next,
      Intent intent,
      UpgradeMode mode,
      RestorePoint before,
      FlinkJob old,
      String how) {
    next.upgrade =
        Upgrade.begin(
            intent.desiredVersion(),
            intent.fromJar(),
            intent.toJar(),
            mode,
            before,
            old.jobId(),
            Upgrade.Phase.REPLACING,
            clock.instant());
    String message =
        "Upgrading from jar "
            + JobJar.shortSha(intent.fromJar())
            + " to "
            + JobJar.shortSha(intent.toJar())
            + " ("
            + mode.json()
            + "): job "
            + old.jobId()
            + " "
            + how;
    events.normal(EventReason.UPGRADE_STARTED, message, old.jobId());
    return steps.withStep(next.build(), "replace", message);
  }

  /**
   * The upgrade a resume on another jar than the suspended job ran is (its readiness awaited, a
   * rollback restoring the state it was suspended with), or null when the jar is the same.
   */
  Upgrade resuming(DesiredState desired, PipelineStatus status, RestorePoint from, String jar) {
    String suspendedOn = status.jobJarSha256();
    if (jar == null || suspendedOn == null || jar.equals(suspendedOn)) {
      return null;
    }
    events.normal(
        EventReason.UPGRADE_STARTED,
        "Resuming on jar "
            + JobJar.shortSha(jar)
            + " (suspended on "
            + JobJar.shortSha(suspendedOn)
            + "): an upgrade, rolled back to "
            + RestorePoint.describe(from)
            + " if not ready in time",
        status.jobId());
    return Upgrade.begin(
        desired.version(),
        suspendedOn,
        jar,
        desired.spec().upgradeMode(),
        from,
        status.jobId(),
        Upgrade.Phase.AWAITING_READINESS,
        clock.instant());
  }

  /**
   * The upgrade a lost job brought back on {@code jar} carries, or null. The new job of an upgrade
   * awaiting readiness that never reached Flink (its leader died between recording it and
   * submitting it) is brought back like any lost job; the upgrade then awaits the job deployed
   * instead (a fresh deadline), rather than rolling back for a job that will never come.
   */
  Upgrade broughtBack(PipelineStatus status, String jar) {
    Upgrade upgrade = status.upgrading() ? status.upgrade() : null;
    boolean upgradedJobLost =
        upgrade != null
            && upgrade.phase() == Upgrade.Phase.AWAITING_READINESS
            && upgrade.toJar().equals(jar);
    return upgradedJobLost ? upgrade : null;
  }

  /**
   * Deploys a job that is gone (lost with its JobManager, ended outside, stopped by a leader that
   * died before recording it, or {@code FAILED}) on the jar the desired state names rather than the
   * one it ran: the upgrade it was due for, started without it. A job that is gone takes no
   * savepoint, so the new jar starts from its newest state (in effect {@code last-state}, or {@code
   * savepoint} when that is the savepoint the job was stopped with; without state when the desired
   * state says {@code stateless}, that state kept for a rollback), and must be ready in time like
   * any upgrade's, else the old jar comes back from that state. One job start, where bringing back
   * the old jar first and upgrading it next took two, and the second from an older state than the
   * first may have committed.
   *
   * @param from the job's newest state
   * @param gone how the job went, for the event
   * @param said the step and event of the deployment, given what was deployed how
   */
  PipelineStatus deployLost(
      DesiredState desired,
      PipelineStatus status,
      RestorePoint from,
      String fromJar,
      String toJar,
      String gone,
      Function<String, StepEvent> said)
      throws InterruptedException {
    if (!actions.leading()) {
      return status;
    }
    UpgradeMode asked = desired.spec().upgradeMode();
    boolean stoppedWithSavepoint =
        from != null
            && from.kind() == RestorePoint.Kind.SAVEPOINT
            && from.jobId() != null
            && from.jobId().equals(status.jobId());
    UpgradeMode mode =
        asked == UpgradeMode.STATELESS || (asked == UpgradeMode.SAVEPOINT && stoppedWithSavepoint)
            ? asked
            : UpgradeMode.LAST_STATE;
    PipelineStatus.Builder next = status.toBuilder();
    RestorePoint startFrom = from;
    if (mode == UpgradeMode.STATELESS) {
      // As a stateless replacement: the old job's checkpoints must not be found for the new jar.
      startFrom = null;
      next.lastState = null;
      next.replacedState = from != null ? from : status.replacedState();
    }
    Upgrade upgrade =
        Upgrade.begin(
            desired.version(),
            fromJar,
            toJar,
            mode,
            from,
            status.jobId(),
            Upgrade.Phase.AWAITING_READINESS,
            clock.instant());
    String how =
        "deployed on jar "
            + JobJar.shortSha(toJar)
            + ", which desired version "
            + desired.version()
            + " names (it ran "
            + JobJar.shortSha(fromJar)
            + "), from "
            + RestorePoint.describe(startFrom)
            + ": an upgrade in "
            + mode.json()
            + " mode"
            + (mode != asked ? " (a job that does not run takes no savepoint)" : "")
            + ", rolled back to "
            + RestorePoint.describe(from)
            + " on jar "
            + JobJar.shortSha(fromJar)
            + " if not ready in time";
    events.normal(
        EventReason.UPGRADE_STARTED,
        "Upgrading from jar "
            + JobJar.shortSha(fromJar)
            + " to "
            + JobJar.shortSha(toJar)
            + " ("
            + mode.json()
            + "): job "
            + status.jobId()
            + " "
            + gone,
        status.jobId());
    return actions.deploy(desired, next.build(), startFrom, toJar, upgrade, said.apply(how));
  }

  /**
   * The step of the upgrade under way, or null when the usual decisions apply (e.g. a lost new job
   * is brought back like any other).
   */
  PipelineStatus carryOn(
      DesiredState desired, ObservedPipeline observed, FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    Upgrade upgrade = status.upgrade();
    String wanted = status.desiredJar(desired.spec());
    if (upgrade.phase() != Upgrade.Phase.ROLLING_BACK && !upgrade.toJar().equals(wanted)) {
      return abandon(status, "the desired state now asks for jar " + JobJar.shortSha(wanted));
    }
    return switch (upgrade.phase()) {
      case REPLACING ->
          job != null
              ? null
              : actions.deploy(
                  desired,
                  status,
                  status.lastState(),
                  upgrade.toJar(),
                  upgrade.deployed(null, null),
                  StepEvent.normal(
                      "upgrade",
                      EventReason.JOB_DEPLOYED,
                      "Deployed jar "
                          + JobJar.shortSha(upgrade.toJar())
                          + " from "
                          + RestorePoint.describe(status.lastState())
                          + " (upgrade, desired version "
                          + desired.version()
                          + ")"));
      case AWAITING_READINESS -> awaitReadiness(desired, observed, job, status);
      case ROLLING_BACK -> rollbacks.carryOn(desired, observed, job, status);
      default -> null;
    };
  }

  /** Ends an upgrade under way because the desired state changed; the status as it is if none. */
  PipelineStatus abandon(PipelineStatus status, String why) {
    if (!status.upgrading()) {
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    next.upgrade = status.upgrade().moveTo(Upgrade.Phase.ABANDONED, clock.instant(), why);
    String message =
        "Upgrade to jar " + JobJar.shortSha(status.upgrade().toJar()) + " abandoned: " + why;
    events.normal(EventReason.UPGRADE_ABANDONED, message, status.upgrade().toJobId());
    return steps.withStep(next.build(), "upgrade-abandoned", message);
  }

  private PipelineStatus awaitReadiness(
      DesiredState desired, ObservedPipeline observed, FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    Upgrade upgrade = status.upgrade();
    Instant now = clock.instant();
    FlinkJob upgraded =
        upgrade.toJobId() == null ? null : observed.job(upgrade.toJobId()).orElse(null);
    boolean late = upgrade.readyBy() == null || now.isAfter(upgrade.readyBy());
    if (upgraded != null && upgraded.isActive() && upgraded.equals(job)) {
      String restarted = restartLoop.restartedTooOften(upgraded);
      String missing = notReady(upgraded);
      // Not ready while Flink keeps restarting it: a checkpoint between two restarts proves
      // nothing.
      if (restarted == null && missing == null) {
        PipelineStatus.Builder next = status.toBuilder();
        Instant watchedUntil = watchPeriod.isZero() ? null : now.plus(watchPeriod);
        next.upgrade = upgrade.ready(now, watchedUntil);
        next.upgradedAwayFrom(upgrade.fromJar(), upgrade.toJar());
        String message =
            "Upgrade to jar "
                + JobJar.shortSha(upgrade.toJar())
                + " succeeded: job "
                + upgraded.jobId()
                + " is RUNNING, every task runs and checkpoint "
                + upgraded.lastCheckpoint().id()
                + " completed ("
                + Duration.between(upgrade.startedAt(), now).toMillis()
                + " ms after the old job was taken down)"
                + (watchedUntil == null
                    ? ""
                    : "; rolled back by itself if Flink keeps restarting it or it fails before "
                        + watchedUntil);
        events.normal(EventReason.UPGRADE_SUCCEEDED, message, upgraded.jobId());
        return steps.withStep(next.build(), "upgrade-succeeded", message);
      }
      String unready = unready(upgraded, restarted, missing, late);
      if (unready != null) {
        return rollbacks.rollBack(
            desired, status, upgraded, "job " + upgraded.jobId() + " " + unready);
      }
      return steps.withStep(
          status,
          "await-readiness",
          "Upgrade to jar "
              + JobJar.shortSha(upgrade.toJar())
              + ": job "
              + upgraded.jobId()
              + " "
              + missing
              + "; it must be ready by "
              + upgrade.readyBy());
    }
    if (upgraded == null && upgrade.refusal() != null) {
      return rollbacks.rollBack(
          desired,
          status,
          job,
          "Flink refused to run job " + upgrade.toJobId() + ": " + upgrade.refusal());
    }
    if (upgraded != null && upgraded.isFailed()) {
      String cause =
          upgraded.failureCause() == null ? "no cause reported" : upgraded.failureCause();
      return rollbacks.rollBack(
          desired, status, job, "job " + upgraded.jobId() + " FAILED: " + cause);
    }
    if (late) {
      return rollbacks.rollBack(
          desired,
          status,
          job,
          "job "
              + upgrade.toJobId()
              + (upgraded == null ? " is not on Flink" : " is " + upgraded.state())
              + " after "
              + readinessTimeout);
    }
    return null;
  }

  /**
   * Why the upgraded job, active but not ready, is rolled back now: Flink keeps restarting it (at
   * once, whatever the deadline), or the deadline passed; null while it may still get ready.
   */
  private String unready(FlinkJob upgraded, String restarted, String missing, boolean late) {
    if (restarted != null) {
      return restarted
          + ", as often as makes a job unhealthy"
          + " (fraud.reconciler.unhealthy.max-restarts): Flink's restart strategy keeps"
          + " recovering it, so it will not get ready (it is "
          + upgraded.state()
          + ")";
    }
    return late ? "was not ready within " + readinessTimeout + " (" + missing + ")" : null;
  }

  /**
   * What keeps an upgraded job from being ready, or null when it is; also what auto mode waits for
   * before it upgrades a job ({@link AutoUpgrade}).
   */
  static String notReady(FlinkJob job) {
    if (!job.isRunning()) {
      return "is " + job.state();
    }
    if (!Boolean.TRUE.equals(job.tasksRunning())) {
      return "does not run every task yet";
    }
    FlinkJob.CompletedCheckpoint checkpoint = job.lastCheckpoint();
    if (checkpoint == null
        || (job.startTime() != null && checkpoint.completedAt().isBefore(job.startTime()))) {
      return "has completed no checkpoint yet";
    }
    return null;
  }
}
