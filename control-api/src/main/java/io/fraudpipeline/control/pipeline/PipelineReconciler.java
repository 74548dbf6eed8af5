package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.flink.SavepointAwaiter.SavepointFailedException;
import io.fraudpipeline.control.flink.UnknownJobException;
import io.fraudpipeline.control.jobs.JarNotAvailableException;
import io.fraudpipeline.control.jobs.JobJar;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Compares the desired state with what was observed and takes at most one step towards it, each
 * explained in an event and in the status's last step. The decision table is in
 * docs/architecture.md; in short, with the desired state {@code running}:
 *
 * <ul>
 *   <li>no fraud job on Flink (cluster lost or restarted, job cancelled outside): deploy from the
 *       newest state (a checkpoint found in the storage or observed, or a savepoint), as the
 *       desired state says; on another jar than the lost job ran, as an upgrade;
 *   <li>the job {@code FAILED}: restart it from its last state with exponential backoff, within a
 *       budget; past the budget give up and say why;
 *   <li>the job runs with other settings (parallelism, delivery guarantee) or a new restore was
 *       asked for: take it down as the upgrade mode says (a job Flink keeps restarting, which no
 *       savepoint can be taken of, from its newest checkpoint); the next step deploys the
 *       replacement;
 *   <li>the job runs but restarts keep climbing or no checkpoint completes: report it, and restart
 *       it from its last checkpoint if so configured;
 * </ul>
 *
 * with {@code suspended}: stop a running job with a savepoint (or cancel it, as the suspend mode
 * says). In any state, a second active fraud job is cancelled, never joined. Every step is taken
 * only while this replica leads, and deployments carry a JobID derived from the step (see {@link
 * JobIds}), so a stale leader's submission is refused by Flink. A deployment recorded but never
 * seen on Flink is submitted again under its own JobID, never replaced by one under another: its
 * first submission may still land.
 *
 * <p>Its parts: {@link UpgradeReconciler} carries an upgrade onto another jar through its phases,
 * {@link RollbackReconciler} rolls it back (also a release that fails while watched after its
 * readiness), {@link SuspendReconciler} suspends the pipeline, {@link RestoreReconciler} brings the
 * job back when none is active (through {@link FailedJobRestarts} a job Flink gave up on, within
 * the restart budget), {@link JobHealthWatch} reports (and restarts) an unhealthy running job,
 * {@link TakeDownPlanner} decides how a job is taken down where a savepoint is wanted (a
 * replacement, a suspend); all of them act through {@link PipelineActions} and record their step
 * through {@link ReconcileSteps}.
 */
public class PipelineReconciler {

  private final EventRecorder events;
  private final TransactionsRetention retention;
  private final ReconcileSteps steps;
  private final PipelineActions actions;
  private final UpgradeReconciler upgrades;
  private final RollbackReconciler rollbacks;
  private final JobHealthWatch healthWatch;
  private final RestartLoop restartLoop;
  private final TakeDownPlanner takeDown;
  private final SuspendReconciler suspends;
  private final RestoreReconciler restores;
  private final FlinkReachability reachability;
  private final UnknownJobs unknownJobs;

  /**
   * @param intentWriter writes the status durably before a deployment is submitted, so a successor
   *     knows which job to expect; throws when it cannot, and nothing is submitted
   * @param savepointRecorder appends a savepoint the reconciler took to the savepoint history,
   *     returning it with the offsets it resumes from
   * @param retention where checkpoints resume and whether Kafka still has those records
   * @param desiredWriter proposes a new desired version (a rollback records itself there); throws
   *     {@link StaleDesiredStateException} when another change was accepted first
   * @param jarKept whether the jar store holds a jar, by checksum
   * @param slotsOnDemand whether Flink starts TaskManagers as jobs ask for slots ({@code
   *     fraud.flink.slots-on-demand})
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
      boolean slotsOnDemand,
      Duration checkpointInterval,
      String jarSha256,
      Clock clock) {
    this.events = events;
    this.retention = retention;
    this.steps = new ReconcileSteps(leadership, clock);
    this.restartLoop = new RestartLoop(properties.unhealthy(), clock);
    this.reachability = new FlinkReachability(events, steps);
    this.unknownJobs = new UnknownJobs(steps, events, properties.unknownJobTimeout(), clock);
    this.actions =
        new PipelineActions(
            flink,
            storage,
            events,
            leadership,
            intentWriter,
            savepointRecorder,
            retention,
            properties,
            jarSha256,
            steps,
            reachability,
            clock);
    this.rollbacks =
        new RollbackReconciler(
            actions,
            steps,
            events,
            leadership,
            desiredWriter,
            jarKept,
            properties.upgrade().readinessTimeout(),
            properties.upgrade().watchPeriod(),
            restartLoop,
            clock);
    this.upgrades =
        new UpgradeReconciler(
            actions,
            steps,
            events,
            rollbacks,
            properties.upgrade().readinessTimeout(),
            properties.upgrade().watchPeriod(),
            restartLoop,
            clock);
    this.healthWatch =
        new JobHealthWatch(
            actions, steps, events, properties, checkpointInterval, restartLoop, clock);
    this.takeDown =
        new TakeDownPlanner(
            actions,
            restartLoop,
            new TaskStartWait(properties.taskStartTimeout(), slotsOnDemand, clock));
    this.suspends = new SuspendReconciler(actions, steps, events, takeDown);
    this.restores =
        new RestoreReconciler(
            actions,
            upgrades,
            new FailedJobRestarts(
                actions, upgrades, rollbacks, steps, events, properties.restartBudget(), clock),
            steps,
            clock);
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
      if (Thread.interrupted()) {
        // Not an answer of Flink: the observation was cut short by this replica's shutdown.
        throw new InterruptedException("The replica shuts down: " + observed.error());
      }
      reachability.unobservable(observed.error(), status.jobId());
      return status;
    }
    reachability.observed(status.jobId());
    if (desired == null) {
      return status;
    }
    PipelineStatus learnt = learn(desired, observed, status);
    try {
      PipelineStatus next = healthWatch.closed(learnt, decide(desired, observed, learnt));
      unknownJobs.answered();
      return next;
    } catch (FlinkUnavailableException e) {
      Interruptions.rethrowIfInterrupted(e);
      return reachability.goneDuringStep(learnt, e.getMessage());
    } catch (UnknownJobException e) {
      Interruptions.rethrowIfInterrupted(e);
      return unknownJobs.waitFor(learnt, e);
    } catch (FlinkRequestException
        | SavepointFailedException
        | IllegalStateException
        | JarNotAvailableException e) {
      Interruptions.rethrowIfInterrupted(e);
      events.warning(
          EventReason.RECONCILE_FAILED,
          "The step towards version " + desired.version() + " failed: " + e.getMessage(),
          learnt.jobId());
      return steps.withStep(learnt, "failed", e.getMessage());
    }
  }

  /** Takes in what the observation says without acting: the newest state to restore from. */
  private PipelineStatus learn(
      DesiredState desired, ObservedPipeline observed, PipelineStatus status) {
    PipelineStatus.Builder next = status.toBuilder();
    FlinkJob expected = observed.job(status.jobId()).orElse(null);
    if (expected != null) {
      next.jobSubmission = PipelineStatus.Submission.ACCEPTED;
    }
    if (expected != null
        && expected.lastCheckpoint() != null
        && !status.setAside(expected.jobId())) {
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
    if (savepoint != null
        && status.jobId() != null
        && status.jobId().equals(savepoint.jobId())
        && !status.setAside(savepoint.jobId())) {
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
    if (next.lastState != null && !next.lastState.requested()) {
      // The replacement has a state of its own: the one it replaced is no way back any more.
      next.replacedState = null;
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
      PipelineStatus ended = upgrades.abandon(status, "the pipeline was suspended");
      if (job != null) {
        return suspends.suspend(spec, job, ended);
      }
      if (!ended.suspended() && ended.jobId() != null && actions.leading()) {
        // Stopped with a savepoint by a leader that died before recording it: keep that.
        FlinkJob last = observed.job(ended.jobId()).orElse(null);
        if (last == null || !"FINISHED".equals(last.state())) {
          return suspends.suspendedWithoutJob(desired, ended, false);
        }
        Optional<PipelineStatus> withSavepoint = actions.withFinalSavepoint(last, ended);
        return withSavepoint.isPresent()
            ? suspends.suspendedWithoutJob(desired, withSavepoint.get(), true)
            : steps.awaitingFinalSavepoint(last, ended);
      }
      return steps.steady(ended, "suspended");
    }
    PipelineStatus recordedRollback = rollbacks.rollbackRecordedWithoutStatus(desired, job, status);
    if (recordedRollback != null) {
      return recordedRollback;
    }
    if (status.upgrading()) {
      PipelineStatus next = upgrades.carryOn(desired, observed, job, status);
      if (next != null) {
        return next;
      }
    }
    if (job == null) {
      return restores.bringBack(desired, observed, status);
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
          new UpgradeReconciler.Intent(desired.version(), runningJar, wantedJar));
    }
    if (desired.restoreGeneration() > status.lineage()) {
      return replace(
          job,
          UpgradeMode.STATELESS,
          status,
          "a restore from "
              + RestorePoint.describeRequested(spec.restoreSavepointPath())
              + " was asked for",
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
    PipelineStatus rolledBack = rollbacks.watch(desired, job, status);
    return rolledBack != null ? rolledBack : healthWatch.watch(job, status);
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
    if (!actions.leading()) {
      return status;
    }
    String message =
        "Two fraud jobs were active: "
            + duplicate.jobId()
            + " was cancelled, "
            + keep.jobId()
            + " kept (a second job would share the first one's input and transactional ids)";
    actions.cancel(duplicate);
    events.warning(EventReason.DUPLICATE_JOB_STOPPED, message, duplicate.jobId());
    PipelineStatus.Builder next = status.toBuilder();
    if (!keep.jobId().equals(status.jobId())) {
      next.jobParallelism = keep.parallelism();
      next.jobDeliveryGuarantee = keep.deliveryGuarantee();
    }
    next.jobId = keep.jobId();
    next.jobSubmission = PipelineStatus.Submission.ACCEPTED;
    return steps.withStep(next.build(), "cancel-duplicate", message);
  }

  private PipelineStatus adopt(FlinkJob job, PipelineStatus status) {
    PipelineStatus.Builder next = status.toBuilder();
    next.jobId = job.jobId();
    next.jobSubmission = PipelineStatus.Submission.ACCEPTED;
    next.jobJarSha256 = job.jarSha256();
    next.jobParallelism = job.parallelism();
    next.jobDeliveryGuarantee = job.deliveryGuarantee();
    next.suspended = false;
    // The report was of the job it takes over from, which runs no more (closed(), after the step):
    // the adopted job is watched afresh, and reported unhealthy under its own id if it is.
    next.unhealthy = null;
    String message =
        "Job "
            + job.jobId()
            + " runs on Flink but was not deployed by this reconciler"
            + (status.jobId() == null ? "" : " (expected " + status.jobId() + ")")
            + "; it is managed from now on";
    events.normal(EventReason.JOB_ADOPTED, message, job.jobId());
    return steps.withStep(next.build(), "adopt", message);
  }

  private PipelineStatus replace(
      FlinkJob job,
      UpgradeMode mode,
      PipelineStatus status,
      String why,
      UpgradeReconciler.Intent upgrade)
      throws InterruptedException {
    TakeDown plan =
        mode == UpgradeMode.SAVEPOINT
            ? takeDown.plan(job, status, "replacing it with a savepoint")
            : null;
    if (plan instanceof TakeDown.Wait wait) {
      return steps.withStep(status, "wait", wait.message());
    }
    if (!actions.leading()) {
      return status;
    }
    PipelineStatus.Builder next = status.toBuilder();
    String how;
    RestorePoint before;
    UpgradeMode used = mode;
    if (plan instanceof TakeDown.FromStart fromStart) {
      actions.cancel(job);
      before = status.lastState();
      how = "cancelled: " + fromStart.reason() + ", which its replacement starts from";
    } else if (plan instanceof TakeDown.FromCheckpoint fromCheckpoint) {
      actions.cancel(job);
      next.lastState = fromCheckpoint.checkpoint();
      before = next.lastState;
      used = UpgradeMode.LAST_STATE;
      how =
          "cancelled: "
              + fromCheckpoint.reason()
              + "; replaced from "
              + RestorePoint.describe(next.lastState)
              + " as in last-state mode";
    } else {
      switch (mode) {
        case SAVEPOINT -> {
          PipelineActions.Stopped stopped =
              actions.stopWithSavepoint(
                  job,
                  false,
                  upgrade == null ? SavepointRecord.Kind.RESCALE : SavepointRecord.Kind.UPGRADE,
                  status);
          next.lastState = stopped.savepoint();
          before = next.lastState;
          how = "stopped with savepoint " + next.lastState.path() + stopped.howKnown();
        }
        case LAST_STATE -> {
          actions.cancel(job);
          next.lastState = actions.newestState(status, job.jobId());
          before = next.lastState;
          how = "cancelled; its replacement starts from " + RestorePoint.describe(next.lastState);
        }
        default -> {
          actions.cancel(job);
          // The replacement starts without state, and the old job's checkpoints must not be found
          // for it; a rollback, or withdrawing a requested restore, still goes back to that state.
          before = actions.newestState(status, job.jobId());
          next.lastState = null;
          next.replacedState = before != null ? before : status.replacedState();
          how = "cancelled; its replacement does not take its state";
        }
      }
    }
    next.suspended = false;
    next.unhealthy = null;
    if (upgrade != null) {
      return upgrades.started(next, upgrade, used, before, job, how);
    }
    String message = "Job " + job.jobId() + " " + how + " because " + why;
    events.normal(EventReason.JOB_REPLACED, message, job.jobId());
    return steps.withStep(next.build(), "replace", message);
  }

  /** The status with a step saying this replica took over the reconciliation. */
  PipelineStatus tookOver(PipelineStatus status) {
    return steps.tookOver(status);
  }

  private static String guarantee(FlinkJob job) {
    return job.deliveryGuarantee() == null
        ? "guarantee unknown"
        : job.deliveryGuarantee().argument();
  }
}
