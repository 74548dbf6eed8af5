package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.flink.FlinkJob;
import java.time.Clock;
import java.util.Optional;

/**
 * Decides how the job comes back while the desired state says {@code running} and no fraud job is
 * active on Flink: from which state (a requested restore, the newest checkpoint or savepoint, the
 * state before a withdrawn restore), on which jar, and said as what (a first deployment, a resume,
 * a lost job restored, a replacement's second half, a submission never seen on Flink sent again
 * under its own JobID). A {@code FAILED} job goes to {@link FailedJobRestarts}; a lost job the
 * desired state names another jar for comes back once, as the upgrade it was due for ({@link
 * UpgradeReconciler#deployLost}).
 */
final class RestoreReconciler {

  private final PipelineActions actions;
  private final UpgradeReconciler upgrades;
  private final FailedJobRestarts failedJobRestarts;
  private final ReconcileSteps steps;
  private final Clock clock;

  RestoreReconciler(
      PipelineActions actions,
      UpgradeReconciler upgrades,
      FailedJobRestarts failedJobRestarts,
      ReconcileSteps steps,
      Clock clock) {
    this.actions = actions;
    this.upgrades = upgrades;
    this.failedJobRestarts = failedJobRestarts;
    this.steps = steps;
    this.clock = clock;
  }

  /** Desired running, no active fraud job on Flink. */
  PipelineStatus bringBack(DesiredState desired, ObservedPipeline observed, PipelineStatus status)
      throws InterruptedException {
    PipelineSpec spec = desired.spec();
    if (desired.restoreGeneration() > status.lineage()) {
      PipelineStatus.Builder fresh = status.toBuilder();
      fresh.lineage = desired.restoreGeneration();
      fresh.lastState =
          spec.restoreSavepointPath() == null
              ? null
              : RestorePoint.requested(spec.restoreSavepointPath(), clock.instant());
      fresh.suspended = false;
      fresh.gaveUp = null;
      fresh.replacedState = stateBefore(status);
      return deployAsDesired(desired, fresh.build(), fresh.lastState);
    }
    FlinkJob last = observed.job(status.jobId()).orElse(null);
    if (last != null && last.isFailed()) {
      if (spec.restoreSavepointPath() == null && status.restoreWithdrawable()) {
        return withdrawRestore(desired, status);
      }
      return failedJobRestarts.restart(desired, last, status);
    }
    if (status.gaveUp() != null) {
      return steps.withStep(status, "none", "Gave up: " + status.gaveUp());
    }
    if (status.notBefore() != null && clock.instant().isBefore(status.notBefore())) {
      return steps.withStep(status, "wait", "Next attempt not before " + status.notBefore());
    }
    if (last != null && "FINISHED".equals(last.state())) {
      Optional<PipelineStatus> withSavepoint = actions.withFinalSavepoint(last, status);
      if (withSavepoint.isEmpty()) {
        return steps.awaitingFinalSavepoint(last, status);
      }
      status = withSavepoint.get();
    }
    RestorePoint from = actions.newestState(status, status.jobId());
    if (status.jobId() == null) {
      return deployAsDesired(desired, status, from);
    }
    if (status.suspended()) {
      String jar = status.desiredJar(spec);
      return actions.deploy(
          desired,
          status,
          from,
          jar,
          upgrades.resuming(desired, status, from, jar),
          StepEvent.normal(
              "resume",
              EventReason.JOB_RESUMED,
              "Resumed from "
                  + RestorePoint.describe(from)
                  + " (desired version "
                  + desired.version()
                  + ")"));
    }
    Optional<String> neverOnFlink =
        last == null ? PipelineActions.whyNeverOnFlink(status) : Optional.empty();
    if (neverOnFlink.isPresent()) {
      // Its submission may still land (P6-9: 26 s after its replica lost the leadership): that
      // same job, never one under a new JobID, so Flink refuses whichever comes second. Its state
      // is the recorded one, unless it ran unseen and left newer checkpoints: then it had landed.
      return actions.submitAgain(
          desired,
          status,
          from,
          upgrades.broughtBack(status, status.jobJarSha256()),
          StepEvent.warning(
              "restore",
              EventReason.JOB_RESTORED_FROM_LAST_STATE,
              "Job "
                  + status.jobId()
                  + " "
                  + neverOnFlink.get()
                  + "; submitted again under the same JobID from "
                  + RestorePoint.describe(from)
                  + ", so Flink refuses whichever of the two submissions comes second"));
    }
    // After a replacement this is its second half, said as such rather than as a lost job.
    boolean replaced = replacedByThisReconciler(last, from, status);
    String gone =
        replaced
            ? "was taken down by the control plane"
                + (last != null ? " (" + last.state() + ")" : "")
            : last != null
                ? "is " + last.state() + " outside the control plane"
                : "is no longer on Flink (cluster lost or restarted)";
    String jar = status.keptJar(spec);
    String wantedJar = status.desiredJar(spec);
    Upgrade lostUpgrade = upgrades.broughtBack(status, jar);
    if (lostUpgrade == null && wantedJar != null && !wantedJar.equals(jar)) {
      // The desired state names another jar (an upgrade whose old job was lost before it was
      // taken down): one job, on that jar, rather than the old jar first and an upgrade after,
      // whose older restore point would repeat what the interim job committed (P7-4).
      String lost = status.jobId();
      return upgrades.deployLost(
          desired,
          status,
          from,
          jar,
          wantedJar,
          gone,
          how ->
              replaced
                  ? StepEvent.normal(
                      "upgrade", EventReason.JOB_DEPLOYED, "Replacement of job " + lost + " " + how)
                  : StepEvent.warning(
                      "restore",
                      EventReason.JOB_RESTORED_FROM_LAST_STATE,
                      "Job " + lost + " " + gone + "; " + how));
    }
    return actions.deploy(
        desired,
        status,
        from,
        jar,
        lostUpgrade,
        replaced
            ? StepEvent.normal(
                "deploy",
                EventReason.JOB_DEPLOYED,
                "Replacement of job "
                    + status.jobId()
                    + " deployed from "
                    + RestorePoint.describe(from))
            : StepEvent.warning(
                "restore",
                EventReason.JOB_RESTORED_FROM_LAST_STATE,
                "Job "
                    + status.jobId()
                    + " "
                    + gone
                    + "; deployed again"
                    // At the desired parallelism and guarantee: a rescale in flight ends here too.
                    + changedSettings(spec, status)
                    + " from "
                    + RestorePoint.describe(from)));
  }

  /**
   * How a job deployed as the spec says differs from the one the status expected, e.g. " at
   * parallelism 3 (it ran at 2)"; empty when they do not differ, or are not known.
   */
  private static String changedSettings(PipelineSpec spec, PipelineStatus status) {
    StringBuilder said = new StringBuilder();
    Integer ran = status.jobParallelism();
    if (ran != null && ran != spec.parallelism()) {
      said.append(" at parallelism ")
          .append(spec.parallelism())
          .append(" (it ran at ")
          .append(ran)
          .append(")");
    }
    if (status.jobDeliveryGuarantee() != null
        && status.jobDeliveryGuarantee() != spec.deliveryGuarantee()) {
      said.append(said.isEmpty() ? " " : " and ")
          .append("with guarantee ")
          .append(spec.deliveryGuarantee().argument())
          .append(" (it ran ")
          .append(status.jobDeliveryGuarantee().argument())
          .append(")");
    }
    return said.toString();
  }

  /**
   * The state the pipeline has before a new restore generation starts: what withdrawing that
   * restore goes back to. An earlier request no job took state from is not one.
   */
  private RestorePoint stateBefore(PipelineStatus status) {
    RestorePoint newest =
        status.lastState() != null && status.lastState().requested()
            ? null
            : actions.newestState(status, status.jobId());
    return newest != null ? newest : status.replacedState();
  }

  /**
   * The restore path was cleared while the job started from it has failed and no job has recorded a
   * state since the restore was asked for (typically: Flink could not read it, so every start
   * failed): the pipeline goes back to the state it had before the request rather than retrying the
   * requested one.
   */
  private PipelineStatus withdrawRestore(DesiredState desired, PipelineStatus status)
      throws InterruptedException {
    PipelineStatus.Builder next = status.toBuilder();
    RestorePoint before = status.replacedState();
    next.replacedState = null;
    next.gaveUp = null;
    next.notBefore = null;
    return actions.deploy(
        desired,
        next.build(),
        before,
        status.keptJar(desired.spec()),
        null,
        StepEvent.normal(
            "withdraw-restore",
            EventReason.JOB_DEPLOYED,
            "The restore from "
                + RestorePoint.describe(status.lastState())
                + " was withdrawn (desired version "
                + desired.version()
                + ") before any job took state from it; deployed from the state before it, "
                + RestorePoint.describe(before)));
  }

  /** A deployment the desired state asked for (its first, or a new restore generation's). */
  private PipelineStatus deployAsDesired(
      DesiredState desired, PipelineStatus status, RestorePoint from) throws InterruptedException {
    return actions.deploy(
        desired,
        status,
        from,
        status.desiredJar(desired.spec()),
        null,
        StepEvent.normal(
            "deploy",
            EventReason.JOB_DEPLOYED,
            "Deployed for desired version "
                + desired.version()
                + " from "
                + RestorePoint.describe(from)));
  }

  /**
   * Whether the expected job ended because a replacement (a rescale, a changed guarantee) took it
   * down: the last step was that replacement, or the job stopped with a savepoint, which only a
   * replacement of the control plane's takes while the pipeline runs (also one whose leader died
   * before recording it: {@link PipelineActions#withFinalSavepoint}). Then deploying again is the
   * replacement's second half, not a lost job to warn about.
   */
  private static boolean replacedByThisReconciler(
      FlinkJob last, RestorePoint from, PipelineStatus status) {
    boolean replaceStep = status.lastStep() != null && "replace".equals(status.lastStep().action());
    if (last == null) {
      // Gone from Flink after the replacement took it down (its JobManager replaced since).
      return replaceStep;
    }
    boolean stoppedWithSavepoint =
        "FINISHED".equals(last.state())
            && from != null
            && from.kind() == RestorePoint.Kind.SAVEPOINT
            && last.jobId().equals(from.jobId());
    return replaceStep || stoppedWithSavepoint;
  }
}
