package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.jobs.JobJar;
import io.fraudpipeline.control.leadership.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Takes an upgrade onto another jar through its phases ({@link Upgrade.Phase}): once the old job is
 * down, the new one is deployed and must be ready in time (RUNNING, every task running, a
 * checkpoint completed); if it is not, or Flink keeps restarting it ({@link RestartLoop}), it is
 * cancelled and the old jar deployed again from the state saved before the upgrade, a rollback
 * recorded in the desired state. Once ready, the release is watched for {@code
 * fraud.reconciler.upgrade.watch-period}: if Flink keeps restarting it or it fails within it, it is
 * rolled back too, from its own newest checkpoint (see {@link #watch}). Another change of the
 * desired state abandons it. One step per reconciliation, as the rest of the reconciler.
 */
final class UpgradeReconciler {

  /** An upgrade a replacement starts: the desired version that asked, and the jars. */
  record Intent(long desiredVersion, String fromJar, String toJar) {}

  private final PipelineActions actions;
  private final ReconcileSteps steps;
  private final EventRecorder events;
  private final Leadership leadership;
  private final UnaryOperator<DesiredState> desiredWriter;
  private final Predicate<String> jarKept;
  private final Duration readinessTimeout;
  private final Duration watchPeriod;
  private final RestartLoop restartLoop;
  private final Clock clock;

  /** See {@link PipelineReconciler}'s constructor for what each part is. */
  UpgradeReconciler(
      PipelineActions actions,
      ReconcileSteps steps,
      EventRecorder events,
      Leadership leadership,
      UnaryOperator<DesiredState> desiredWriter,
      Predicate<String> jarKept,
      Duration readinessTimeout,
      Duration watchPeriod,
      RestartLoop restartLoop,
      Clock clock) {
    this.actions = actions;
    this.steps = steps;
    this.events = events;
    this.leadership = leadership;
    this.desiredWriter = desiredWriter;
    this.jarKept = jarKept;
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
      case ROLLING_BACK -> {
        boolean releaseDown = !upgrade.toJar().equals(status.jobJarSha256());
        if (upgrade.afterReadiness() && releaseDown) {
          yield awaitRollback(observed, job, status);
        }
        // After readiness the release's job may be one brought back under another id.
        boolean release =
            job != null
                && (job.jobId().equals(upgrade.toJobId())
                    || (upgrade.afterReadiness() && job.jobId().equals(status.jobId())));
        if (release) {
          if (!actions.leading()) {
            yield status;
          }
          actions.cancel(job);
          yield steps.withStep(
              status, "rollback", "Cancelled job " + job.jobId() + " of the upgrade");
        }
        yield job != null
            ? null
            : actions.deploy(
                desired,
                status,
                upgrade.rollbackPoint(),
                upgrade.fromJar(),
                upgrade.afterReadiness()
                    // Its state is the new release's: it must show it can run from it.
                    ? upgrade.rollbackDeployed(clock.instant().plus(readinessTimeout))
                    : upgrade.moveTo(Upgrade.Phase.ROLLED_BACK, clock.instant(), null),
                StepEvent.warning(
                    "rollback",
                    EventReason.JOB_DEPLOYED,
                    "Rolled back to jar "
                        + JobJar.shortSha(upgrade.fromJar())
                        + " from "
                        + RestorePoint.describe(upgrade.rollbackPoint())
                        + (upgrade.afterReadiness()
                            ? " (the newest state of the release rolled back; it must be ready"
                                + " within "
                                + readinessTimeout
                                + ")"
                            : " (its state from before the upgrade)")));
      }
      default -> null;
    };
  }

  /**
   * The step that finishes a rollback whose leader recorded it in the desired state (naming the
   * previous jar, {@link DesiredState#rollbackOf}) and died before its status said so, or null when
   * there is none. Without it the successor would take the previous jar for a plain change of jar:
   * abandon the upgrade or upgrade away from the release, which would leave the release among the
   * superseded jars rather than the rejected ones, and, after readiness, would roll back onto the
   * release if the previous jar could not run from its state. The rollback is carried out as its
   * leader would have: the release cancelled if it still runs, the same rollback point, the jar
   * rejected; the desired state is not written again.
   *
   * @param job the active job, if any
   */
  PipelineStatus rollbackRecordedWithoutStatus(
      DesiredState desired, FlinkJob job, PipelineStatus status) throws InterruptedException {
    Upgrade upgrade = status.upgrade();
    if (!recordedWithoutStatus(desired, upgrade)) {
      return null;
    }
    boolean afterReadiness = upgrade.phase() == Upgrade.Phase.SUCCEEDED;
    boolean release =
        job != null
            && (job.jobId().equals(upgrade.toJobId())
                || (afterReadiness && job.jobId().equals(status.jobId())));
    return rollBack(
        desired,
        status,
        release ? job : null,
        reasonOf(desired, upgrade)
            + " (recorded in desired version "
            + desired.version()
            + " by a leader that did not record it in its status)",
        afterReadiness);
  }

  /**
   * Whether {@code desired} is the rollback of {@code upgrade} while the status does not say so
   * yet: the upgrade awaits its readiness or succeeded (the phases a rollback starts from) and the
   * desired state, which names its previous jar, was written for that rollback.
   */
  private static boolean recordedWithoutStatus(DesiredState desired, Upgrade upgrade) {
    return upgrade != null
        && upgrade.toJar().equals(desired.rollbackOf())
        && (upgrade.phase() == Upgrade.Phase.AWAITING_READINESS
            || upgrade.phase() == Upgrade.Phase.SUCCEEDED)
        && upgrade.fromJar() != null
        && upgrade.fromJar().equals(desired.spec().jarSha256());
  }

  /** Why the rollback {@code desired} records was decided, as its cause says it. */
  private static String reasonOf(DesiredState desired, Upgrade upgrade) {
    String prefix = rollbackCause(upgrade, "");
    String cause = desired.cause() == null ? "" : desired.cause();
    return cause.startsWith(prefix) ? cause.substring(prefix.length()) : cause;
  }

  /** The cause of the desired version a rollback of {@code upgrade} writes. */
  private static String rollbackCause(Upgrade upgrade, String why) {
    return "rollback of the upgrade to jar " + JobJar.shortSha(upgrade.toJar()) + ": " + why;
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
    events.normal(EventReason.UPGRADE_FAILED, message, status.upgrade().toJobId());
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
        return rollBack(desired, status, upgraded, "job " + upgraded.jobId() + " " + unready);
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
      return rollBack(
          desired,
          status,
          job,
          "Flink refused to run job " + upgrade.toJobId() + ": " + upgrade.refusal());
    }
    if (upgraded != null && upgraded.isFailed()) {
      String cause =
          upgraded.failureCause() == null ? "no cause reported" : upgraded.failureCause();
      return rollBack(desired, status, job, "job " + upgraded.jobId() + " FAILED: " + cause);
    }
    if (late) {
      return rollBack(
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
   * Takes the upgraded job down and records the rollback in the desired state; the next step
   * deploys the previous jar from the state saved before the upgrade.
   */
  private PipelineStatus rollBack(
      DesiredState desired, PipelineStatus status, FlinkJob active, String why)
      throws InterruptedException {
    return rollBack(desired, status, active, why, false);
  }

  /**
   * {@link #rollBack}, or with {@code afterReadiness} the rollback of a release that was ready: its
   * job is cancelled (a crash-looping job takes no savepoint) and the previous jar runs from the
   * release's newest state, its newest retained checkpoint, as {@link TakeDownPlanner} takes a
   * looping job down. Not from the state before the upgrade: the release has committed alerts since
   * (exactly-once sink), which that would emit again. The previous jar is a version of the same job
   * (same operator uids), so it restores that state; if it cannot, its job fails its readiness and
   * nothing more is tried ({@link #awaitRollback}).
   *
   * @param active the new job when active, null when it is not (FAILED)
   */
  private PipelineStatus rollBack(
      DesiredState desired,
      PipelineStatus status,
      FlinkJob active,
      String why,
      boolean afterReadiness)
      throws InterruptedException {
    if (!actions.leading()) {
      return status;
    }
    Upgrade upgrade = status.upgrade();
    if (!rollbackPossible(upgrade)) {
      return cannotRollBack(status, why);
    }
    if (afterReadiness) {
      return rollBackFromNewestState(desired, status, active, why);
    }
    // Down first: if recording the rollback fails, the next round finds the job gone and tries
    // the rollback again, rather than leaving a broken job running.
    if (active != null && active.jobId().equals(upgrade.toJobId())) {
      actions.cancel(active);
    }
    return recordRollback(
        desired,
        status,
        status.toBuilder(),
        upgrade.moveTo(Upgrade.Phase.ROLLING_BACK, clock.instant(), why),
        "its state from before the upgrade");
  }

  /**
   * The rollback of a release that was ready, or null: within the watch period Flink keeps
   * restarting its job ({@link RestartLoop}, as {@link JobHealthWatch} judges it unhealthy), which
   * readiness could not show (a rule no record reached yet).
   *
   * @param job the active job, the expected one
   */
  PipelineStatus watch(DesiredState desired, FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    Upgrade upgrade = watchedRelease(desired, job.jobId(), status);
    String restarted = upgrade == null ? null : restartLoop.restartedTooOften(job);
    if (restarted == null) {
      return null;
    }
    return rollBack(
        desired,
        status,
        job,
        "job "
            + job.jobId()
            + " "
            + restarted
            + " (Flink's restart strategy keeps recovering it) "
            + sinceReady(upgrade),
        true);
  }

  /** The rollback of a release that was ready and whose job FAILED within the watch period. */
  PipelineStatus watchFailed(DesiredState desired, FlinkJob failed, PipelineStatus status)
      throws InterruptedException {
    Upgrade upgrade = watchedRelease(desired, failed.jobId(), status);
    if (upgrade == null) {
      return null;
    }
    String cause = failed.failureCause() == null ? "no cause reported" : failed.failureCause();
    return rollBack(
        desired,
        status,
        null,
        "job " + failed.jobId() + " FAILED (" + cause + ") " + sinceReady(upgrade),
        true);
  }

  /**
   * The upgrade whose release the expected job {@code jobId} runs while it is still watched, or
   * null: not one the desired state moved away from since (that change is carried out instead).
   */
  private Upgrade watchedRelease(DesiredState desired, String jobId, PipelineStatus status) {
    Upgrade upgrade = status.upgrade();
    boolean watched =
        upgrade != null
            && upgrade.watched(clock.instant())
            && jobId.equals(status.jobId())
            && upgrade.toJar().equals(status.jobJarSha256())
            && upgrade.toJar().equals(status.desiredJar(desired.spec()));
    return watched ? upgrade : null;
  }

  private String sinceReady(Upgrade upgrade) {
    return Duration.between(upgrade.readyAt(), clock.instant()).toSeconds()
        + " s after it was ready, within the watch period of "
        + watchPeriod
        + " (fraud.reconciler.upgrade.watch-period)";
  }

  /** The rest of {@link #rollBack} after readiness. */
  private PipelineStatus rollBackFromNewestState(
      DesiredState desired, PipelineStatus status, FlinkJob active, String why)
      throws InterruptedException {
    Upgrade upgrade = status.upgrade();
    if (active != null) {
      actions.cancel(active);
    }
    // Read once it is down: a checkpoint completed before the cancel would otherwise be missed,
    // and the alerts it committed emitted again.
    RestorePoint newest = actions.newestState(status, status.jobId());
    if (newest == null) {
      return cannotRollBack(status, why, "no state of the release is known to roll back from");
    }
    PipelineStatus.Builder next = status.toBuilder();
    next.lastState = newest;
    next.unhealthy = null;
    return recordRollback(
        desired,
        status,
        next,
        upgrade.rollingBackFrom(newest, why),
        "the release's newest state: under exactly-once nothing it committed is lost or repeated");
  }

  private boolean rollbackPossible(Upgrade upgrade) {
    return upgrade.fromJar() != null && jarKept.test(upgrade.fromJar());
  }

  /** The upgrade failed for {@code why} and the previous jar is unknown or gone. */
  private PipelineStatus cannotRollBack(PipelineStatus status, String why) {
    String fromJar = status.upgrade().fromJar();
    return cannotRollBack(
        status,
        why,
        "the previous jar "
            + (fromJar == null
                ? "is unknown (the old job was deployed before jars were recorded)"
                : JobJar.shortSha(fromJar) + " is not in the jar store (fraud.job.jar-store)"));
  }

  private PipelineStatus cannotRollBack(PipelineStatus status, String why, String whyNot) {
    Upgrade upgrade = status.upgrade();
    PipelineStatus.Builder next = status.toBuilder();
    String message =
        "Upgrade to jar "
            + JobJar.shortSha(upgrade.toJar())
            + " failed ("
            + why
            + ") and cannot be rolled back: "
            + whyNot
            + "; the new job is left as it is";
    next.upgrade = upgrade.moveTo(Upgrade.Phase.FAILED, clock.instant(), why);
    events.warning(EventReason.UPGRADE_FAILED, message, upgrade.toJobId());
    return steps.withStep(next.build(), "upgrade-failed", message);
  }

  /**
   * Records the rollback {@code rolling} in the desired state (a new version naming the previous
   * jar) and the status; the next step deploys the previous jar from its rollback point.
   *
   * @param point what the rollback point is, for the event
   */
  private PipelineStatus recordRollback(
      DesiredState desired,
      PipelineStatus status,
      PipelineStatus.Builder next,
      Upgrade rolling,
      String point) {
    Upgrade upgrade = status.upgrade();
    String why = rolling.reason();
    Instant now = clock.instant();
    DesiredState recorded;
    try {
      // Already written by a leader that died before its status said so: not a second version.
      recorded =
          recordedWithoutStatus(desired, upgrade)
              ? desired
              : desiredWriter.apply(
                  desired
                      .next(
                          desired.spec().withJar(upgrade.fromJar(), desired.spec().upgradeMode()),
                          false,
                          now,
                          "reconciler (" + leadership.replicaId() + ")",
                          rollbackCause(upgrade, why))
                      .rollingBack(upgrade.toJar()));
    } catch (StaleDesiredStateException e) {
      return steps.withStep(
          status,
          "failed",
          "Rolling back the upgrade to jar "
              + JobJar.shortSha(upgrade.toJar())
              + ": the desired state changed meanwhile; deciding again");
    }
    next.desiredVersion = recorded.version();
    List<String> rejected = new ArrayList<>(status.rejectedJars());
    if (!rejected.contains(upgrade.toJar())) {
      rejected.add(upgrade.toJar());
    }
    next.rejectedJars = rejected;
    next.upgrade = rolling;
    String message =
        "Upgrade to jar "
            + JobJar.shortSha(upgrade.toJar())
            + " rolled back: "
            + why
            + ". Jar "
            + JobJar.shortSha(upgrade.fromJar())
            + " runs again from "
            + RestorePoint.describe(rolling.rollbackPoint())
            + " ("
            + point
            + "; desired version "
            + recorded.version()
            + ")";
    events.warning(EventReason.UPGRADE_ROLLED_BACK, message, upgrade.toJobId());
    return steps.withStep(next.build(), "rollback", message);
  }

  /**
   * The step of a rollback after readiness once the previous jar's job is deployed: it runs from
   * the release's state, so it must be ready in time as an upgraded job must; if it is not (it
   * cannot restore that state, fails, or Flink keeps restarting it), nothing more is tried (see
   * {@link #rollbackFailed}). Null when the usual decisions apply (a lost job brought back).
   */
  private PipelineStatus awaitRollback(
      ObservedPipeline observed, FlinkJob job, PipelineStatus status) throws InterruptedException {
    Upgrade upgrade = status.upgrade();
    Instant now = clock.instant();
    FlinkJob back = observed.job(status.jobId()).orElse(null);
    boolean late = upgrade.readyBy() == null || now.isAfter(upgrade.readyBy());
    if (back != null && back.isActive() && back.equals(job)) {
      String restarted = restartLoop.restartedTooOften(back);
      String missing = notReady(back);
      if (restarted == null && missing == null) {
        PipelineStatus.Builder next = status.toBuilder();
        next.upgrade = upgrade.moveTo(Upgrade.Phase.ROLLED_BACK, now, null);
        String message =
            "Jar "
                + JobJar.shortSha(upgrade.fromJar())
                + " runs again from "
                + RestorePoint.describe(upgrade.rollbackPoint())
                + ": job "
                + back.jobId()
                + " is RUNNING, every task runs and checkpoint "
                + back.lastCheckpoint().id()
                + " completed";
        return steps.withStep(next.build(), "rolled-back", message);
      }
      if (restarted != null) {
        return rollbackFailed(status, back, "job " + back.jobId() + " " + restarted);
      }
      if (late) {
        return rollbackFailed(
            status,
            back,
            "job "
                + back.jobId()
                + " was not ready within "
                + readinessTimeout
                + " ("
                + missing
                + ")");
      }
      return steps.withStep(
          status,
          "await-readiness",
          "Rollback to jar "
              + JobJar.shortSha(upgrade.fromJar())
              + ": job "
              + back.jobId()
              + " "
              + missing
              + "; it must be ready by "
              + upgrade.readyBy());
    }
    if (back != null && back.isFailed()) {
      String cause = back.failureCause() == null ? "no cause reported" : back.failureCause();
      return rollbackFailed(status, null, "job " + back.jobId() + " FAILED: " + cause);
    }
    if (back == null && status.jobSubmission() == PipelineStatus.Submission.REFUSED) {
      return rollbackFailed(
          status,
          null,
          "Flink refused to run job "
              + status.jobId()
              + (status.lastStep() == null ? "" : " (" + status.lastStep().message() + ")"));
    }
    if (late && (back == null || !back.isActive())) {
      return rollbackFailed(
          status,
          null,
          "job "
              + status.jobId()
              + (back == null ? " is not on Flink" : " is " + back.state())
              + " after "
              + readinessTimeout);
    }
    return null;
  }

  /**
   * The previous jar cannot run from the state of the release rolled back after readiness: its job,
   * if active, is cancelled, and nothing more is tried (the restarts are given up) rather than go
   * back to the release, which would only loop between the two jars. The pipeline stays down until
   * the desired state changes: a fixed release, or a restore of the previous jar from its state
   * before the upgrade (which emits again what the release committed since).
   */
  private PipelineStatus rollbackFailed(PipelineStatus status, FlinkJob active, String why)
      throws InterruptedException {
    if (!actions.leading()) {
      return status;
    }
    if (active != null) {
      actions.cancel(active);
    }
    Upgrade upgrade = status.upgrade();
    String message =
        "Rollback of the upgrade to jar "
            + JobJar.shortSha(upgrade.toJar())
            + " failed: jar "
            + JobJar.shortSha(upgrade.fromJar())
            + " cannot run from the release's newest state, "
            + RestorePoint.describe(upgrade.rollbackPoint())
            + " ("
            + why
            + "). Nothing more is tried and no job runs, rather than go back to the release it was"
            + " rolled back from; declare a fixed release (jar_sha256), or restore jar "
            + JobJar.shortSha(upgrade.fromJar())
            + " from its state before the upgrade (restore_savepoint_path), which emits again what"
            + " the release committed since";
    PipelineStatus.Builder next = status.toBuilder();
    next.upgrade =
        upgrade.moveTo(Upgrade.Phase.FAILED, clock.instant(), "the rollback failed: " + why);
    next.gaveUp = message;
    next.unhealthy = null;
    events.warning(EventReason.UPGRADE_FAILED, message, status.jobId());
    return steps.withStep(next.build(), "rollback-failed", message);
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
