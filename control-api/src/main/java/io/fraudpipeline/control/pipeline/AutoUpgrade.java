package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.jobs.JobJar;
import java.time.Clock;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code fraud.reconciler.upgrade.mode=auto}: once the pipeline runs steadily on another jar (its
 * job RUNNING, every task running, a checkpoint completed since it started), the leader declares
 * the jar it ships as the desired one, and the reconciler upgrades to it like any other desired
 * change. A jar an upgrade was rolled back from is not tried again automatically, and a jar the
 * pipeline was upgraded away from is not gone back to: during a rolling deploy, replicas shipping
 * the old jar and the new one would otherwise upgrade the pipeline to their own jar in turn, at
 * each change of leader.
 */
final class AutoUpgrade {

  private final String shippedJar;
  private final UnaryOperator<DesiredState> desiredWriter;
  private final EventRecorder events;
  private final String replicaId;
  private final Clock clock;

  AutoUpgrade(
      String shippedJar,
      UnaryOperator<DesiredState> desiredWriter,
      EventRecorder events,
      String replicaId,
      Clock clock) {
    this.shippedJar = shippedJar;
    this.desiredWriter = desiredWriter;
    this.events = events;
    this.replicaId = replicaId;
    this.clock = clock;
  }

  /** The desired state to reconcile: the given one, or its successor naming the shipped jar. */
  Optional<DesiredState> apply(
      Optional<DesiredState> wanted, ObservedPipeline observed, PipelineStatus status) {
    if (wanted.isEmpty() || !due(wanted.get(), observed, status)) {
      return wanted;
    }
    DesiredState current = wanted.get();
    String cause =
        "automatic upgrade to the shipped jar "
            + JobJar.shortSha(shippedJar)
            + " (fraud.reconciler.upgrade.mode=auto)";
    try {
      DesiredState next =
          desiredWriter.apply(
              current.next(
                  current.spec().withJar(shippedJar, current.spec().upgradeMode()),
                  false,
                  clock.instant(),
                  "reconciler (" + replicaId + ")",
                  cause));
      events.normal(
          EventReason.DESIRED_STATE_CHANGED,
          "Desired state version " + next.version() + " (" + cause + ")",
          status.jobId());
      return Optional.of(next);
    } catch (StaleDesiredStateException e) {
      // Someone else changed it first: decide on theirs next round.
      return wanted;
    }
  }

  private boolean due(DesiredState wanted, ObservedPipeline observed, PipelineStatus status) {
    if (shippedJar == null
        || !wanted.spec().running()
        || status.upgrading()
        || status.rejectedJars().contains(shippedJar)
        || status.supersededJars().contains(shippedJar)
        || shippedJar.equals(wanted.spec().jarSha256())) {
      return false;
    }
    String deployedWith = status.desiredJar(wanted.spec());
    if (shippedJar.equals(deployedWith)) {
      return false;
    }
    // A jar someone asked for that the pipeline does not run yet is theirs to have first: declaring
    // the shipped jar now would undo their request before the reconciler carried it out.
    if (wanted.spec().jarSha256() != null
        && !wanted.spec().jarSha256().equals(status.jobJarSha256())) {
      return false;
    }
    // Only a job that runs steadily is upgraded: the expected one, alone, and as ready as the
    // upgrade's own check wants its new job (RUNNING, every task running, a checkpoint completed
    // since it started). One just deployed, restarted or replaced would otherwise be cancelled
    // rather than stopped with a savepoint, and be rolled back to before it showed it can run.
    if (status.jobId() == null || observed.activeJobs().size() != 1) {
      return false;
    }
    FlinkJob job = observed.activeJobs().get(0);
    return job.jobId().equals(status.jobId()) && UpgradeReconciler.notReady(job) == null;
  }
}
