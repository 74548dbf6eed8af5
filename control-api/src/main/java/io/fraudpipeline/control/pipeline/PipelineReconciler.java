package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.DuplicateJobException;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.flink.JobSubmission;
import io.fraudpipeline.control.flink.SavepointAwaiter.SavepointFailedException;
import io.fraudpipeline.control.jobs.JarNotAvailableException;
import io.fraudpipeline.control.jobs.JobJar;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.savepoints.RestoreSafety;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the desired state with what was observed and takes at most one step towards it, each
 * explained in an event and in the status's last step. The decision table is in
 * docs/architecture.md; in short, with the desired state {@code running}:
 *
 * <ul>
 *   <li>no fraud job on Flink (cluster lost or restarted, job cancelled outside): deploy from the
 *       newest state (a checkpoint found in the storage or observed, or a savepoint);
 *   <li>the job {@code FAILED}: restart it from its last state with exponential backoff, within a
 *       budget; past the budget give up and say why;
 *   <li>the job runs with other settings (parallelism, delivery guarantee) or a new restore was
 *       asked for: take it down as the upgrade mode says; the next step deploys the replacement;
 *   <li>the job runs but restarts keep climbing or no checkpoint completes: report it, and restart
 *       it from its last checkpoint if so configured;
 * </ul>
 *
 * with {@code suspended}: stop a running job with a savepoint (or cancel it, as the suspend mode
 * says). In any state, a second active fraud job is cancelled, never joined. Every step is taken
 * only while this replica leads, and deployments carry a JobID derived from the step (see {@link
 * JobIds}), so a stale leader's submission is refused by Flink.
 */
public class PipelineReconciler {

  private static final Logger log = LoggerFactory.getLogger(PipelineReconciler.class);

  private final FlinkService flink;
  private final CheckpointStorage storage;
  private final EventRecorder events;
  private final Leadership leadership;
  private final Consumer<PipelineStatus> intentWriter;
  private final UnaryOperator<SavepointRecord> savepointRecorder;
  private final TransactionsRetention retention;
  private final UnaryOperator<DesiredState> desiredWriter;
  private final Predicate<String> jarKept;
  private final ReconcilerProperties properties;
  private final Duration checkpointInterval;
  private final String jarSha256;
  private final Clock clock;

  /** Restart counts of the running job as observed, to tell when they keep climbing. */
  private final Deque<RestartSample> restartSamples = new ArrayDeque<>();

  private Boolean flinkWasReachable;

  /** When the reconciler first saw the current job RUNNING: checkpoints are due from then on. */
  private String runningJob;

  private Instant runningSince;

  private record RestartSample(Instant at, String jobId, long restarts) {}

  /**
   * @param intentWriter writes the status durably before a deployment is submitted, so a successor
   *     knows which job to expect; throws when it cannot, and nothing is submitted
   * @param savepointRecorder appends a savepoint the reconciler took to the savepoint history,
   *     returning it with the offsets it resumes from
   * @param retention where checkpoints resume and whether Kafka still has those records
   * @param desiredWriter proposes a new desired version (a rollback records itself there); throws
   *     {@link StaleDesiredStateException} when another change was accepted first
   * @param jarKept whether the jar store holds a jar, by checksum
   * @param jarSha256 the jar this control plane ships
   */
  PipelineReconciler(
      FlinkService flink,
      CheckpointStorage storage,
      EventRecorder events,
      Leadership leadership,
      Consumer<PipelineStatus> intentWriter,
      UnaryOperator<SavepointRecord> savepointRecorder,
      TransactionsRetention retention,
      UnaryOperator<DesiredState> desiredWriter,
      Predicate<String> jarKept,
      ReconcilerProperties properties,
      Duration checkpointInterval,
      String jarSha256,
      Clock clock) {
    this.flink = flink;
    this.storage = storage;
    this.events = events;
    this.leadership = leadership;
    this.intentWriter = intentWriter;
    this.savepointRecorder = savepointRecorder;
    this.retention = retention;
    this.desiredWriter = desiredWriter;
    this.jarKept = jarKept;
    this.properties = properties;
    this.checkpointInterval = checkpointInterval;
    this.jarSha256 = jarSha256;
    this.clock = clock;
  }

  /**
   * One reconciliation.
   *
   * @param desired the desired state; null when none was ever declared (nothing is managed)
   * @return the status after the step (unchanged when nothing was done or learnt)
   */
  public PipelineStatus reconcile(
      DesiredState desired, ObservedPipeline observed, PipelineStatus status)
      throws InterruptedException {
    if (!observed.flinkReachable()) {
      if (!Boolean.FALSE.equals(flinkWasReachable)) {
        events.warning(
            EventReason.FLINK_UNREACHABLE,
            "Flink cannot be observed (" + observed.error() + "); nothing is changed until it can",
            status.jobId());
      }
      flinkWasReachable = false;
      return status;
    }
    if (Boolean.FALSE.equals(flinkWasReachable)) {
      events.normal(EventReason.FLINK_REACHABLE, "Flink answers again", status.jobId());
    }
    flinkWasReachable = true;
    if (desired == null) {
      return status;
    }
    PipelineStatus learnt = learn(desired, observed, status);
    try {
      return decide(desired, observed, learnt);
    } catch (FlinkUnavailableException
        | FlinkRequestException
        | SavepointFailedException
        | IllegalStateException
        | JarNotAvailableException e) {
      events.warning(
          EventReason.RECONCILE_FAILED,
          "The step towards version " + desired.version() + " failed: " + e.getMessage(),
          learnt.jobId());
      return withStep(learnt, "failed", e.getMessage());
    }
  }

  /** Takes in what the observation says without acting: the newest state to restore from. */
  private PipelineStatus learn(
      DesiredState desired, ObservedPipeline observed, PipelineStatus status) {
    PipelineStatus.Builder next = status.toBuilder();
    FlinkJob expected = observed.job(status.jobId()).orElse(null);
    if (expected != null && expected.lastCheckpoint() != null) {
      FlinkJob.CompletedCheckpoint checkpoint = expected.lastCheckpoint();
      RestorePoint point =
          new RestorePoint(
              checkpoint.path(),
              RestorePoint.Kind.CHECKPOINT,
              checkpoint.completedAt(),
              expected.jobId());
      RestorePoint newest = RestorePoint.newer(status.lastState(), point);
      if (newest == point
          && (status.lastState() == null || !point.path().equals(status.lastState().path()))) {
        // The job commits its offsets as a checkpoint completes: read now, they are (at most a
        // checkpoint past) where this one resumes.
        newest = point.withOffsets(retention.committedOffsets());
      }
      next.lastState = newest;
      String directory = CheckpointStorage.directoryOf(checkpoint.path());
      if (directory != null) {
        next.checkpointDirectory = directory;
      }
    }
    SavepointRecord savepoint = observed.latestSavepoint();
    if (savepoint != null && status.jobId() != null && status.jobId().equals(savepoint.jobId())) {
      next.lastState =
          RestorePoint.newer(
              next.lastState,
              new RestorePoint(
                  savepoint.path(),
                  RestorePoint.Kind.SAVEPOINT,
                  savepoint.createdAt(),
                  savepoint.jobId(),
                  savepoint.transactionsOffsets()));
    }
    if (desired.version() != status.desiredVersion()) {
      // A new declaration: a fresh restart budget, and a reason to try again after giving up.
      next.desiredVersion = desired.version();
      next.gaveUp = null;
      next.failureRestarts = List.of();
      next.notBefore = null;
    }
    return next.build();
  }

  private PipelineStatus decide(
      DesiredState desired, ObservedPipeline observed, PipelineStatus status)
      throws InterruptedException {
    List<FlinkJob> active = observed.activeJobs();
    if (active.size() > 1) {
      return stopDuplicate(active, status);
    }
    FlinkJob job = active.isEmpty() ? null : active.get(0);
    PipelineSpec spec = desired.spec();
    if (!spec.running()) {
      PipelineStatus ended = abandonUpgrade(status, "the pipeline was suspended");
      return job == null ? steady(ended, "suspended") : suspend(spec, job, ended);
    }
    if (status.upgrading()) {
      PipelineStatus next = carryOnUpgrade(desired, observed, job, status);
      if (next != null) {
        return next;
      }
    }
    if (job == null) {
      return bringBack(desired, observed, status);
    }
    if (!job.jobId().equals(status.jobId())) {
      return adopt(job, status);
    }
    String runningJar = status.runningJar(job.jobId(), job.jarSha256());
    String wantedJar = status.desiredJar(spec);
    if (wantedJar != null && !wantedJar.equals(runningJar)) {
      return replace(
          job,
          spec.upgradeMode(),
          status,
          "it runs jar "
              + JobJar.shortSha(runningJar)
              + ", the desired state says "
              + JobJar.shortSha(wantedJar),
          new UpgradeIntent(desired.version(), runningJar, wantedJar));
    }
    if (desired.restoreGeneration() > status.lineage()) {
      return replace(
          job,
          UpgradeMode.STATELESS,
          status,
          "a restore from " + describe(spec.restoreSavepointPath()) + " was asked for",
          null);
    }
    if (!spec.sameJobSettings(job.parallelism(), job.deliveryGuarantee())) {
      return replace(
          job,
          spec.upgradeMode(),
          status,
          "it runs at parallelism "
              + job.parallelism()
              + " ("
              + guarantee(job)
              + "), the desired state says "
              + spec.parallelism()
              + " ("
              + spec.deliveryGuarantee().argument()
              + ")",
          null);
    }
    return watchHealth(job, status);
  }

  private PipelineStatus stopDuplicate(List<FlinkJob> active, PipelineStatus status)
      throws InterruptedException {
    FlinkJob keep =
        active.stream()
            .filter(j -> j.jobId().equals(status.jobId()))
            .findFirst()
            .orElseGet(
                () ->
                    active.stream()
                        .min(
                            Comparator.comparing(
                                FlinkJob::startTime,
                                Comparator.nullsLast(Comparator.naturalOrder())))
                        .orElseThrow());
    FlinkJob duplicate = active.stream().filter(j -> j != keep).findFirst().orElseThrow();
    if (!leading()) {
      return status;
    }
    String message =
        "Two fraud jobs were active: "
            + duplicate.jobId()
            + " was cancelled, "
            + keep.jobId()
            + " kept (a second job would share the first one's input and transactional ids)";
    flink.cancel(duplicate.jobId(), properties.cancelTimeout());
    events.warning(EventReason.DUPLICATE_JOB_STOPPED, message, duplicate.jobId());
    PipelineStatus.Builder next = status.toBuilder();
    next.jobId = keep.jobId();
    return withStep(next.build(), "cancel-duplicate", message);
  }

  private PipelineStatus suspend(PipelineSpec spec, FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    if (spec.suspendMode() != SuspendMode.CANCEL && !job.isRunning()) {
      return withStep(
          status,
          "wait",
          "Job " + job.jobId() + " is " + job.state() + "; a savepoint needs it RUNNING");
    }
    if (!leading()) {
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    String message;
    if (spec.suspendMode() == SuspendMode.CANCEL) {
      flink.cancel(job.jobId(), properties.cancelTimeout());
      next.lastState = newestState(status, job.jobId());
      message = "Job " + job.jobId() + " cancelled (suspended; its last checkpoint is kept)";
    } else {
      RestorePoint savepoint =
          stopWithSavepoint(
              job, spec.suspendMode() == SuspendMode.DRAIN, SavepointRecord.Kind.STOP);
      next.lastState = savepoint;
      message =
          "Job " + job.jobId() + " stopped with savepoint " + savepoint.path() + " (suspended)";
    }
    next.suspended = true;
    next.unhealthy = null;
    events.normal(EventReason.JOB_SUSPENDED, message, job.jobId());
    return withStep(next.build(), "suspend", message);
  }

  /** Desired running, no active fraud job on Flink. */
  private PipelineStatus bringBack(
      DesiredState desired, ObservedPipeline observed, PipelineStatus status)
      throws InterruptedException {
    PipelineSpec spec = desired.spec();
    if (desired.restoreGeneration() > status.lineage()) {
      PipelineStatus.Builder fresh = status.toBuilder();
      fresh.lineage = desired.restoreGeneration();
      fresh.lastState =
          spec.restoreSavepointPath() == null
              ? null
              : new RestorePoint(
                  spec.restoreSavepointPath(), RestorePoint.Kind.SAVEPOINT, clock.instant(), null);
      fresh.suspended = false;
      fresh.gaveUp = null;
      return deploy(
          desired,
          fresh.build(),
          fresh.lastState,
          status.desiredJar(spec),
          null,
          "deploy",
          EventReason.JOB_DEPLOYED,
          false,
          "Deployed for desired version "
              + desired.version()
              + " from "
              + describe(spec.restoreSavepointPath()));
    }
    FlinkJob last = observed.job(status.jobId()).orElse(null);
    if (last != null && last.isFailed()) {
      return restartFailed(desired, last, status);
    }
    if (status.gaveUp() != null) {
      return withStep(status, "none", "Gave up: " + status.gaveUp());
    }
    if (status.notBefore() != null && clock.instant().isBefore(status.notBefore())) {
      return withStep(status, "wait", "Next attempt not before " + status.notBefore());
    }
    RestorePoint from = newestState(status, status.jobId());
    if (status.jobId() == null) {
      return deploy(
          desired,
          status,
          from,
          status.desiredJar(spec),
          null,
          "deploy",
          EventReason.JOB_DEPLOYED,
          false,
          "Deployed for desired version " + desired.version() + " from " + describe(from));
    }
    if (status.suspended()) {
      String jar = status.desiredJar(spec);
      Upgrade upgrade =
          jar == null || status.jobJarSha256() == null || jar.equals(status.jobJarSha256())
              ? null
              : new Upgrade(
                  desired.version(),
                  status.jobJarSha256(),
                  jar,
                  spec.upgradeMode(),
                  from,
                  status.jobId(),
                  null,
                  Upgrade.Phase.AWAITING_READINESS,
                  clock.instant(),
                  null,
                  null,
                  null);
      if (upgrade != null) {
        events.normal(
            EventReason.UPGRADE_STARTED,
            "Resuming on jar "
                + JobJar.shortSha(jar)
                + " (suspended on "
                + JobJar.shortSha(status.jobJarSha256())
                + "): an upgrade, rolled back to "
                + describe(from)
                + " if not ready in time",
            status.jobId());
      }
      return deploy(
          desired,
          status,
          from,
          jar,
          upgrade,
          "resume",
          EventReason.JOB_RESUMED,
          false,
          "Resumed from " + describe(from) + " (desired version " + desired.version() + ")");
    }
    // A lost or failed job comes back as it was, on its own jar; an upgrade is a step of its own.
    // After a replacement this is its second half, said as such rather than as a lost job.
    boolean replaced = replacedByThisReconciler(last, from, status);
    String gone =
        last == null
            ? "is no longer on Flink (cluster lost or restarted)"
            : "is " + last.state() + " outside the control plane";
    return deploy(
        desired,
        status,
        from,
        keptJar(spec, status),
        null,
        replaced ? "deploy" : "restore",
        replaced ? EventReason.JOB_DEPLOYED : EventReason.JOB_RESTORED_FROM_LAST_STATE,
        !replaced,
        replaced
            ? "Replacement of job " + status.jobId() + " deployed from " + describe(from)
            : "Job " + status.jobId() + " " + gone + "; deployed again from " + describe(from));
  }

  /**
   * Whether the expected job ended because a replacement (a rescale, a changed guarantee) took it
   * down: the last step was that replacement, or the job stopped with the savepoint this reconciler
   * took of it (a savepoint it took itself is the only kind it keeps as the state to restore). Then
   * deploying again is the replacement's second half, not a lost job to warn about.
   */
  private static boolean replacedByThisReconciler(
      FlinkJob last, RestorePoint from, PipelineStatus status) {
    if (last == null) {
      return false;
    }
    boolean replaceStep = status.lastStep() != null && "replace".equals(status.lastStep().action());
    boolean stoppedWithOurSavepoint =
        "FINISHED".equals(last.state())
            && from != null
            && from.kind() == RestorePoint.Kind.SAVEPOINT
            && last.jobId().equals(from.jobId());
    return replaceStep || stoppedWithOurSavepoint;
  }

  private PipelineStatus restartFailed(DesiredState desired, FlinkJob failed, PipelineStatus status)
      throws InterruptedException {
    String cause = failed.failureCause() == null ? "no cause reported" : failed.failureCause();
    if (status.gaveUp() != null) {
      return withStep(status, "none", "Gave up: " + status.gaveUp());
    }
    if (!desired.spec().restartFailed()) {
      if (status.lastStep() == null || !"failed-reported".equals(status.lastStep().action())) {
        events.warning(
            EventReason.JOB_FAILED,
            "Job " + failed.jobId() + " FAILED (" + cause + "); restart_failed is off",
            failed.jobId());
      }
      return withStep(status, "failed-reported", "Job " + failed.jobId() + " FAILED: " + cause);
    }
    Instant now = clock.instant();
    RestartBudget budget = new RestartBudget(properties.restartBudget());
    List<Instant> recent = budget.recent(status.failureRestarts(), now);
    if (recent.size() >= properties.restartBudget().maxRestarts()) {
      String why =
          "job "
              + failed.jobId()
              + " FAILED "
              + (recent.size() + 1)
              + " times within "
              + properties.restartBudget().window()
              + ": "
              + cause;
      PipelineStatus.Builder next = status.toBuilder();
      next.gaveUp = why;
      next.failureRestarts = recent;
      events.warning(
          EventReason.RESTART_BUDGET_EXHAUSTED, "Restarting stopped: " + why, failed.jobId());
      return withStep(next.build(), "give-up", why);
    }
    if (status.notBefore() != null && now.isBefore(status.notBefore())) {
      return withStep(
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
      waiting.notBefore = now.plus(properties.restartBudget().backoff(recent.size()));
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
      return withStep(waiting.build(), "wait", "Job FAILED: " + cause);
    }
    PipelineStatus.Builder next = status.toBuilder();
    List<Instant> restarts = new ArrayList<>(recent);
    restarts.add(now);
    next.failureRestarts = restarts;
    next.notBefore = null;
    RestorePoint from = newestState(status, failed.jobId());
    return deploy(
        desired,
        next.build(),
        from,
        keptJar(desired.spec(), status),
        null,
        "restart",
        EventReason.JOB_RESTARTED,
        true,
        "Job "
            + failed.jobId()
            + " FAILED ("
            + cause
            + "); restart "
            + restarts.size()
            + " of "
            + properties.restartBudget().maxRestarts()
            + " from "
            + describe(from));
  }

  private PipelineStatus adopt(FlinkJob job, PipelineStatus status) {
    PipelineStatus.Builder next = status.toBuilder();
    next.jobId = job.jobId();
    next.jobJarSha256 = job.jarSha256();
    next.suspended = false;
    String message =
        "Job "
            + job.jobId()
            + " runs on Flink but was not deployed by this reconciler"
            + (status.jobId() == null ? "" : " (expected " + status.jobId() + ")")
            + "; it is managed from now on";
    events.normal(EventReason.JOB_ADOPTED, message, job.jobId());
    return withStep(next.build(), "adopt", message);
  }

  /** An upgrade a replacement starts: the desired version that asked, and the jars. */
  private record UpgradeIntent(long desiredVersion, String fromJar, String toJar) {}

  private PipelineStatus replace(
      FlinkJob job, UpgradeMode mode, PipelineStatus status, String why, UpgradeIntent upgrade)
      throws InterruptedException {
    if (!job.isRunning() && mode == UpgradeMode.SAVEPOINT) {
      return withStep(
          status,
          "wait",
          "Job "
              + job.jobId()
              + " is "
              + job.state()
              + "; replacing it needs a"
              + " savepoint, so it must be RUNNING");
    }
    if (!leading()) {
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    String how;
    RestorePoint before;
    switch (mode) {
      case SAVEPOINT -> {
        next.lastState =
            stopWithSavepoint(
                job,
                false,
                upgrade == null ? SavepointRecord.Kind.RESCALE : SavepointRecord.Kind.UPGRADE);
        before = next.lastState;
        how = "stopped with savepoint " + next.lastState.path();
      }
      case LAST_STATE -> {
        flink.cancel(job.jobId(), properties.cancelTimeout());
        next.lastState = newestState(status, job.jobId());
        before = next.lastState;
        how = "cancelled; its replacement starts from " + describe(next.lastState);
      }
      default -> {
        flink.cancel(job.jobId(), properties.cancelTimeout());
        // The replacement starts without state; a rollback would still restore the old one.
        before = newestState(status, job.jobId());
        next.lastState = null;
        how = "cancelled; its replacement starts without state";
      }
    }
    next.suspended = false;
    next.unhealthy = null;
    String message = "Job " + job.jobId() + " " + how + " because " + why;
    if (upgrade == null) {
      events.normal(EventReason.JOB_REPLACED, message, job.jobId());
    } else {
      next.upgrade =
          new Upgrade(
              upgrade.desiredVersion(),
              upgrade.fromJar(),
              upgrade.toJar(),
              mode,
              before,
              job.jobId(),
              null,
              Upgrade.Phase.REPLACING,
              clock.instant(),
              null,
              null,
              null);
      message =
          "Upgrading from jar "
              + JobJar.shortSha(upgrade.fromJar())
              + " to "
              + JobJar.shortSha(upgrade.toJar())
              + " ("
              + mode.json()
              + "): job "
              + job.jobId()
              + " "
              + how;
      events.normal(EventReason.UPGRADE_STARTED, message, job.jobId());
    }
    return withStep(next.build(), "replace", message);
  }

  /**
   * The step of an upgrade under way, or null when the usual decisions apply (e.g. a lost new job
   * is brought back like any other).
   */
  private PipelineStatus carryOnUpgrade(
      DesiredState desired, ObservedPipeline observed, FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    Upgrade upgrade = status.upgrade();
    String wanted = status.desiredJar(desired.spec());
    if (upgrade.phase() != Upgrade.Phase.ROLLING_BACK && !upgrade.toJar().equals(wanted)) {
      return abandonUpgrade(
          status, "the desired state now asks for jar " + JobJar.shortSha(wanted));
    }
    return switch (upgrade.phase()) {
      case REPLACING ->
          job != null
              ? null
              : deploy(
                  desired,
                  status,
                  status.lastState(),
                  upgrade.toJar(),
                  upgrade.deployed(null, null),
                  "upgrade",
                  EventReason.JOB_DEPLOYED,
                  false,
                  "Deployed jar "
                      + JobJar.shortSha(upgrade.toJar())
                      + " from "
                      + describe(status.lastState())
                      + " (upgrade, desired version "
                      + desired.version()
                      + ")");
      case AWAITING_READINESS -> awaitReadiness(desired, observed, job, status);
      case ROLLING_BACK -> {
        if (job != null && job.jobId().equals(upgrade.toJobId())) {
          if (!leading()) {
            yield status;
          }
          flink.cancel(job.jobId(), properties.cancelTimeout());
          yield withStep(status, "rollback", "Cancelled job " + job.jobId() + " of the upgrade");
        }
        yield job != null
            ? null
            : deploy(
                desired,
                status,
                upgrade.rollbackPoint(),
                upgrade.fromJar(),
                upgrade.moveTo(Upgrade.Phase.ROLLED_BACK, clock.instant(), null),
                "rollback",
                EventReason.JOB_DEPLOYED,
                true,
                "Rolled back to jar "
                    + JobJar.shortSha(upgrade.fromJar())
                    + " from "
                    + describe(upgrade.rollbackPoint())
                    + " (its state from before the upgrade)");
      }
      default -> null;
    };
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
      String missing = notReady(upgraded);
      if (missing == null) {
        PipelineStatus.Builder next = status.toBuilder();
        next.upgrade = upgrade.moveTo(Upgrade.Phase.SUCCEEDED, now, null);
        String message =
            "Upgrade to jar "
                + JobJar.shortSha(upgrade.toJar())
                + " succeeded: job "
                + upgraded.jobId()
                + " is RUNNING, every task runs and checkpoint "
                + upgraded.lastCheckpoint().id()
                + " completed ("
                + Duration.between(upgrade.startedAt(), now).toMillis()
                + " ms after the old job was taken down)";
        events.normal(EventReason.UPGRADE_SUCCEEDED, message, upgraded.jobId());
        return withStep(next.build(), "upgrade-succeeded", message);
      }
      if (late) {
        return rollBack(
            desired,
            status,
            upgraded,
            "job "
                + upgraded.jobId()
                + " was not ready within "
                + properties.upgrade().readinessTimeout()
                + " ("
                + missing
                + ")");
      }
      return withStep(
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
              + properties.upgrade().readinessTimeout());
    }
    return null;
  }

  /**
   * Takes the upgraded job down and records the rollback in the desired state; the next step
   * deploys the previous jar from the state saved before the upgrade.
   */
  private PipelineStatus rollBack(
      DesiredState desired, PipelineStatus status, FlinkJob active, String why)
      throws InterruptedException {
    if (!leading()) {
      return status;
    }
    Upgrade upgrade = status.upgrade();
    Instant now = clock.instant();
    PipelineStatus.Builder next = status.toBuilder();
    if (upgrade.fromJar() == null || !jarKept.test(upgrade.fromJar())) {
      String message =
          "Upgrade to jar "
              + JobJar.shortSha(upgrade.toJar())
              + " failed ("
              + why
              + ") and cannot be rolled back: the previous jar "
              + (upgrade.fromJar() == null
                  ? "is unknown (the old job was deployed before jars were recorded)"
                  : JobJar.shortSha(upgrade.fromJar())
                      + " is not in the jar store (fraud.job.jar-store)")
              + "; the new job is left as it is";
      next.upgrade = upgrade.moveTo(Upgrade.Phase.FAILED, now, why);
      events.warning(EventReason.UPGRADE_FAILED, message, upgrade.toJobId());
      return withStep(next.build(), "upgrade-failed", message);
    }
    // Down first: if recording the rollback fails, the next round finds the job gone and tries
    // the rollback again, rather than leaving a broken job running.
    if (active != null && active.jobId().equals(upgrade.toJobId())) {
      flink.cancel(active.jobId(), properties.cancelTimeout());
    }
    DesiredState recorded;
    try {
      recorded =
          desiredWriter.apply(
              desired.next(
                  desired.spec().withJar(upgrade.fromJar(), desired.spec().upgradeMode()),
                  false,
                  now,
                  "reconciler (" + leadership.replicaId() + ")",
                  "rollback of the upgrade to jar "
                      + JobJar.shortSha(upgrade.toJar())
                      + ": "
                      + why));
    } catch (StaleDesiredStateException e) {
      return withStep(
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
    next.upgrade = upgrade.moveTo(Upgrade.Phase.ROLLING_BACK, now, why);
    String message =
        "Upgrade to jar "
            + JobJar.shortSha(upgrade.toJar())
            + " rolled back: "
            + why
            + ". Jar "
            + JobJar.shortSha(upgrade.fromJar())
            + " runs again from "
            + describe(upgrade.rollbackPoint())
            + " (desired version "
            + recorded.version()
            + ")";
    events.warning(EventReason.UPGRADE_ROLLED_BACK, message, upgrade.toJobId());
    return withStep(next.build(), "rollback", message);
  }

  private PipelineStatus abandonUpgrade(PipelineStatus status, String why) {
    if (!status.upgrading()) {
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    next.upgrade = status.upgrade().moveTo(Upgrade.Phase.ABANDONED, clock.instant(), why);
    String message =
        "Upgrade to jar " + JobJar.shortSha(status.upgrade().toJar()) + " abandoned: " + why;
    events.normal(EventReason.UPGRADE_FAILED, message, status.upgrade().toJobId());
    return withStep(next.build(), "upgrade-abandoned", message);
  }

  /** What keeps an upgraded job from being ready, or null when it is. */
  private static String notReady(FlinkJob job) {
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

  /** The jar the job runs: as Flink reports it, else as the reconciler deployed it. */
  /** The jar a lost or failed job was deployed with, else the one the desired state asks for. */
  private static String keptJar(PipelineSpec spec, PipelineStatus status) {
    return status.jobJarSha256() != null ? status.jobJarSha256() : spec.jarSha256();
  }

  private PipelineStatus watchHealth(FlinkJob job, PipelineStatus status)
      throws InterruptedException {
    PipelineStatus.Builder next = status.toBuilder();
    next.suspended = false;
    String problem = job.isRunning() ? healthProblem(job) : null;
    if (problem == null) {
      if (status.unhealthy() != null && job.isRunning()) {
        events.normal(
            EventReason.JOB_HEALTHY, "Job " + job.jobId() + " is healthy again", job.jobId());
      }
      next.unhealthy = job.isRunning() ? null : status.unhealthy();
      if (job.isRunning()) {
        next.gaveUp = null;
      }
      return withStep(next.build(), "none", "Job " + job.jobId() + " is " + job.state());
    }
    if (status.unhealthy() == null) {
      events.warning(
          EventReason.JOB_UNHEALTHY,
          "Job " + job.jobId() + " is unhealthy: " + problem,
          job.jobId());
    }
    next.unhealthy = problem;
    if (!properties.unhealthy().restart()) {
      return withStep(next.build(), "report-unhealthy", problem);
    }
    Instant now = clock.instant();
    List<Instant> recent =
        new RestartBudget(properties.restartBudget()).recent(status.failureRestarts(), now);
    if (recent.size() >= properties.restartBudget().maxRestarts()) {
      return withStep(next.build(), "report-unhealthy", problem + " (restart budget exhausted)");
    }
    if (!leading()) {
      return status;
    }
    flink.cancel(job.jobId(), properties.cancelTimeout());
    List<Instant> restarts = new ArrayList<>(recent);
    restarts.add(now);
    next.failureRestarts = restarts;
    next.lastState = newestState(status, job.jobId());
    restartSamples.clear();
    String message =
        "Job "
            + job.jobId()
            + " cancelled because it is unhealthy ("
            + problem
            + "); the next step deploys it from "
            + describe(next.lastState);
    events.warning(EventReason.JOB_REPLACED, message, job.jobId());
    return withStep(next.build(), "replace", message);
  }

  /** Why the running job is unhealthy, or null. */
  private String healthProblem(FlinkJob job) {
    Instant now = clock.instant();
    if (job.restarts() != null) {
      restartSamples.removeIf(
          s ->
              !s.jobId().equals(job.jobId())
                  || s.at().isBefore(now.minus(properties.unhealthy().window())));
      restartSamples.addLast(new RestartSample(now, job.jobId(), job.restarts()));
      long climbed = job.restarts() - restartSamples.peekFirst().restarts();
      if (climbed >= properties.unhealthy().maxRestarts()) {
        return "restarted "
            + climbed
            + " times within "
            + properties.unhealthy().window()
            + " (Flink's restart strategy keeps recovering it)";
      }
    }
    if (!job.jobId().equals(runningJob)) {
      runningJob = job.jobId();
      runningSince = now;
    }
    Duration stale = checkpointInterval.multipliedBy(properties.unhealthy().missedCheckpoints());
    Instant since =
        job.lastCheckpoint() != null && job.lastCheckpoint().completedAt().isAfter(runningSince)
            ? job.lastCheckpoint().completedAt()
            : runningSince;
    if (since != null && since.isBefore(now.minus(stale))) {
      return "no checkpoint completed since "
          + since
          + " ("
          + properties.unhealthy().missedCheckpoints()
          + " checkpoint intervals of "
          + checkpointInterval
          + ")";
    }
    return null;
  }

  private PipelineStatus deploy(
      DesiredState desired,
      PipelineStatus status,
      RestorePoint from,
      String jar,
      Upgrade upgrade,
      String action,
      String reason,
      boolean warning,
      String message)
      throws InterruptedException {
    if (!leading()) {
      return status;
    }
    PipelineSpec spec = desired.spec();
    String jobId = JobIds.derive(desired.pipelineId(), desired.version(), status.jobId());
    PipelineStatus.Builder intent = status.toBuilder();
    intent.jobId = jobId;
    intent.deployments = status.deployments() + 1;
    intent.lastState = from;
    intent.suspended = false;
    intent.unhealthy = null;
    intent.jobJarSha256 = jar == null ? jarSha256 : jar;
    if (upgrade != null) {
      intent.upgrade =
          upgrade.phase() == Upgrade.Phase.AWAITING_READINESS
              ? upgrade.deployed(
                  jobId, clock.instant().plus(properties.upgrade().readinessTimeout()))
              : upgrade;
    }
    intent.lastStep = step(action, "Deploying " + jobId + ": " + message);
    intent.updatedAt = clock.instant();
    PipelineStatus recorded = intent.build();
    // Durable before Flink sees the job: a successor must know which job to expect.
    intentWriter.accept(recorded);
    try {
      flink.submit(
          new JobSubmission(
              jobId,
              spec.parallelism(),
              spec.deliveryGuarantee(),
              from == null ? null : from.path(),
              spec.allowNonRestoredState(),
              jar));
    } catch (DuplicateJobException e) {
      log.info(
          "Job {} was already submitted (by an earlier leader or try): {}", jobId, e.getMessage());
      return withStep(recorded, action, "Job " + jobId + " was already submitted");
    } catch (FlinkRequestException | FlinkUnavailableException e) {
      PipelineStatus.Builder failed = recorded.toBuilder();
      Instant now = clock.instant();
      failed.notBefore =
          now.plus(properties.restartBudget().backoff(status.failureRestarts().size()));
      events.warning(
          EventReason.RECONCILE_FAILED,
          "Submitting job "
              + jobId
              + " failed ("
              + e.getMessage()
              + "); next try at "
              + failed.notBefore,
          jobId);
      return withStep(
          failed.build(), "failed", "Submitting " + jobId + " failed: " + e.getMessage());
    }
    if (warning) {
      events.warning(reason, message + " as job " + jobId, jobId);
    } else {
      events.normal(reason, message + " as job " + jobId, jobId);
    }
    warnOfDeletedRecords(from, jobId);
    return withStep(recorded, action, message + " as job " + jobId);
  }

  private RestorePoint stopWithSavepoint(FlinkJob job, boolean drain, SavepointRecord.Kind kind)
      throws InterruptedException {
    String path = flink.stopWithSavepoint(job.jobId(), drain, properties.savepointTimeout());
    Instant now = clock.instant();
    SavepointRecord recorded =
        savepointRecorder.apply(
            new SavepointRecord(
                path,
                job.jobId(),
                kind,
                now,
                job.parallelism(),
                job.deliveryGuarantee() == null ? null : job.deliveryGuarantee().argument(),
                job.jarSha256() == null ? jarSha256 : job.jarSha256(),
                null));
    return new RestorePoint(
        path, RestorePoint.Kind.SAVEPOINT, now, job.jobId(), recorded.transactionsOffsets());
  }

  /** A restore from a state whose records Kafka deleted since: say how many raise no alert. */
  private void warnOfDeletedRecords(RestorePoint from, String jobId) {
    if (from == null) {
      return;
    }
    RestoreSafety safety = retention.assess(from.transactionsOffsets());
    if (safety.unsafe()) {
      events.warning(
          EventReason.DATA_LOSS,
          "Job "
              + jobId
              + " resumes from "
              + describe(from)
              + ", but Kafka's retention already deleted "
              + safety.recordsDeleted()
              + " transactions records after its offsets (by partition "
              + safety.recordsDeletedByPartition()
              + "): they raise no alert",
          jobId);
    }
  }

  /**
   * The newest state to start from: a checkpoint of the job found in the storage (newer than any
   * observation), else the newest one observed or savepoint recorded.
   */
  private RestorePoint newestState(PipelineStatus status, String jobId) {
    RestorePoint known = status.lastState();
    RestorePoint stored = storage.newest(status.checkpointDirectory(), jobId).orElse(null);
    if (stored != null
        && known != null
        && known.kind() == RestorePoint.Kind.CHECKPOINT
        && stored.jobId().equals(known.jobId())) {
      // The storage's highest checkpoint of the same job is never older than one observed; the
      // same one keeps the offsets observed with it.
      return stored.path().equals(known.path()) ? known : stored;
    }
    return RestorePoint.newer(known, stored);
  }

  private boolean leading() {
    if (leadership.isLeader()) {
      return true;
    }
    log.info("Not acting: replica {} no longer leads", leadership.replicaId());
    return false;
  }

  /** The status with a step saying this replica took over the reconciliation. */
  PipelineStatus tookOver(PipelineStatus status) {
    return withStep(
        status,
        "take-over",
        "Replica " + leadership.replicaId() + " reconciles from epoch " + leadership.epoch());
  }

  private PipelineStatus steady(PipelineStatus status, String what) {
    return withStep(status, "none", "Pipeline is " + what);
  }

  private PipelineStatus withStep(PipelineStatus status, String action, String message) {
    if (status.lastStep() != null
        && status.lastStep().action().equals(action)
        && status.lastStep().message().equals(message)) {
      // Nothing new: keep the status as it is, so it is not written again.
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    next.lastStep = step(action, message);
    next.updatedAt = clock.instant();
    return next.build();
  }

  private ReconcileStep step(String action, String message) {
    return new ReconcileStep(
        clock.instant(), action, message, leadership.replicaId(), leadership.epoch());
  }

  private static String describe(RestorePoint point) {
    return point == null ? "no state" : point.kind().name().toLowerCase() + " " + point.path();
  }

  private static String describe(String savepointPath) {
    return savepointPath == null ? "no state" : "savepoint " + savepointPath;
  }

  private static String guarantee(FlinkJob job) {
    return job.deliveryGuarantee() == null
        ? "guarantee unknown"
        : job.deliveryGuarantee().argument();
  }

  /** The restarts of the budget's window. */
  private record RestartBudget(ReconcilerProperties.RestartBudget settings) {
    List<Instant> recent(List<Instant> restarts, Instant now) {
      Instant since = now.minus(settings.window());
      return restarts.stream().filter(t -> t.isAfter(since)).toList();
    }
  }
}
