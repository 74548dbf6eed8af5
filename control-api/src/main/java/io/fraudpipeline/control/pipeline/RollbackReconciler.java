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
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Rolls an upgrade back to the previous jar, recorded in the desired state: before readiness (the
 * new job not ready in time, refused, failed, or kept restarting by Flink; see {@link
 * UpgradeReconciler}) from the state saved before the upgrade; after readiness, while the release
 * is watched for {@code fraud.reconciler.upgrade.watch-period} ({@link #watch}, {@link
 * #watchFailed}), from the release's newest checkpoint, the previous jar's job then awaited as an
 * upgraded job is, and given up on if it cannot run from that state. No rollback when the previous
 * jar is unknown or gone from the jar store: the upgrade fails and says why.
 */
final class RollbackReconciler {

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
  RollbackReconciler(
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
   * The step of a rollback under way ({@link Upgrade.Phase#ROLLING_BACK}): the release's job
   * cancelled, then the previous jar deployed from the rollback point, whose readiness is awaited
   * after a rollback of a release that was ready. Null when the usual decisions apply.
   */
  PipelineStatus carryOn(
      DesiredState desired, ObservedPipeline observed, FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    Upgrade upgrade = status.upgrade();
    boolean releaseDown = !upgrade.toJar().equals(status.jobJarSha256());
    if (upgrade.afterReadiness() && releaseDown) {
      return awaitRollback(observed, job, status);
    }
    // After readiness the release's job may be one brought back under another id.
    boolean release =
        job != null
            && (job.jobId().equals(upgrade.toJobId())
                || (upgrade.afterReadiness() && job.jobId().equals(status.jobId())));
    if (release) {
      if (!actions.leading()) {
        return status;
      }
      actions.cancel(job);
      return steps.withStep(status, "rollback", "Cancelled job " + job.jobId() + " of the upgrade");
    }
    return job != null
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

  /**
   * Takes the upgraded job down and records the rollback in the desired state; the next step
   * deploys the previous jar from the state saved before the upgrade.
   */
  PipelineStatus rollBack(DesiredState desired, PipelineStatus status, FlinkJob active, String why)
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
      String missing = UpgradeReconciler.notReady(back);
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
}
