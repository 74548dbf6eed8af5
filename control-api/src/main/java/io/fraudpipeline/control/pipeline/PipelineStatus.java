package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the leading reconciler knows and must not forget across a restart or a hand-over: kept in a
 * compacted topic, written only by the leader, read by every replica.
 *
 * @param desiredVersion the desired version last reconciled
 * @param lineage the {@link DesiredState#restoreGeneration()} in force: a newer one starts afresh
 * @param jobId the job the control plane deployed last (the one it expects on Flink)
 * @param deployments jobs deployed so far
 * @param lastState the newest state to restore from (checkpoint or savepoint), if any
 * @param replacedState the newest state of the job a {@code stateless} replacement or a requested
 *     restore took down, kept until its replacement records a state of its own: never restored by
 *     itself (that job's checkpoints are not looked for either), only when the requested restore is
 *     withdrawn before any job took state from it
 * @param checkpointDirectory the checkpoint storage the jobs write to ({@code .../checkpoints}),
 *     learnt from their checkpoint paths, so a checkpoint completed after the last observation is
 *     still found
 * @param suspended whether the reconciler took the job down because the pipeline was suspended
 * @param failureRestarts when failed jobs were restarted, within the budget's window
 * @param notBefore no restart before this (the restart backoff)
 * @param gaveUp why restarting stopped (the restart budget exhausted), else null
 * @param unhealthy why the job {@code unhealthyJobId} was reported unhealthy (event {@code
 *     JobUnhealthy}), while no {@code JobHealthy} has closed that report yet, else null
 * @param unhealthyJobId the job {@code unhealthy} is about: the expected job, except in the intent
 *     a deployment records before Flink is asked, where it is still the job the deployment
 *     replaces, so that a successor that finds its predecessor died before closing the report
 *     closes it; null with {@code unhealthy}
 * @param jobJarSha256 the jar {@code jobId} was deployed with
 * @param jobParallelism the parallelism {@code jobId} was deployed (or found) with, if known
 * @param jobDeliveryGuarantee the delivery guarantee {@code jobId} was deployed (or found) with, if
 *     known: a successor records the savepoint a stopped job left with both, as its stopper would
 *     have, when Flink no longer reports them (an ended job)
 * @param jobSubmission how {@code jobId}'s submission to Flink stands, as recorded: whether a
 *     successor that does not find the job on Flink submits that same job again or deploys a lost
 *     one anew; null only without a job
 * @param upgrade the upgrade in progress, or the last one
 * @param rejectedJars jars an upgrade was rolled back from: an automatic upgrade skips them (an
 *     explicit one may still ask for them)
 * @param supersededJars jars the pipeline was upgraded away from, the last {@value
 *     #SUPERSEDED_JARS}: an automatic upgrade does not go back to them (an explicit one may), so
 *     replicas shipping different jars during a rolling deploy do not take turns upgrading
 * @param lastStep the last decision
 * @param recentSteps the last {@value #RECENT_STEPS} decisions, oldest first, ending with {@code
 *     lastStep}: an operation following the reconciler reads the status every few hundred
 *     milliseconds, and a step may last less than that before the next replaces it
 * @param updatedAt when this was written
 */
public record PipelineStatus(
    long desiredVersion,
    long lineage,
    String jobId,
    int deployments,
    RestorePoint lastState,
    RestorePoint replacedState,
    String checkpointDirectory,
    boolean suspended,
    List<Instant> failureRestarts,
    Instant notBefore,
    String gaveUp,
    String unhealthy,
    String unhealthyJobId,
    String jobJarSha256,
    Integer jobParallelism,
    DeliveryGuarantee jobDeliveryGuarantee,
    Submission jobSubmission,
    Upgrade upgrade,
    List<String> rejectedJars,
    List<String> supersededJars,
    ReconcileStep lastStep,
    List<ReconcileStep> recentSteps,
    Instant updatedAt) {

  /** How many of the last decisions {@link #recentSteps} keeps. */
  static final int RECENT_STEPS = 16;

  /** How many of the jars upgraded away from {@link #supersededJars} keeps. */
  static final int SUPERSEDED_JARS = 16;

  public PipelineStatus {
    failureRestarts = failureRestarts == null ? List.of() : List.copyOf(failureRestarts);
    rejectedJars = rejectedJars == null ? List.of() : List.copyOf(rejectedJars);
    supersededJars = supersededJars == null ? List.of() : List.copyOf(supersededJars);
    recentSteps = recentSteps == null ? List.of() : List.copyOf(recentSteps);
    if (unhealthy == null) {
      unhealthyJobId = null;
    } else if (unhealthyJobId == null) {
      // Written by a release that did not record it: its reports were of the expected job.
      unhealthyJobId = jobId;
    }
    if (jobSubmission == null && jobId != null) {
      // Written by a release that did not record it: what that release's steps said.
      jobSubmission = EarlierReleaseSteps.submission(jobId, recentSteps);
    }
  }

  /** How the expected job's submission to Flink stands, as far as the control plane recorded it. */
  public enum Submission {
    /**
     * Recorded before Flink was asked, and no answer recorded since: its replica stopped or lost
     * the leadership first, or the submission is still under way.
     */
    PENDING,
    /** Flink refused the run request, or did not answer it. */
    REFUSED,
    /** Flink took it or already had it, or it was seen there (a job adopted from Flink too). */
    ACCEPTED
  }

  /** The jar the spec asks for; when it names none, the one the expected job was deployed with. */
  public String desiredJar(PipelineSpec spec) {
    return spec.jarSha256() != null ? spec.jarSha256() : jobJarSha256;
  }

  /**
   * The jar the expected job was deployed with, else the one the spec asks for: a failed job comes
   * back on it; a lost one too, unless the spec names another (then it comes back on that one, as
   * an upgrade: {@link UpgradeReconciler#deployLost}).
   */
  String keptJar(PipelineSpec spec) {
    return jobJarSha256 != null ? jobJarSha256 : spec.jarSha256();
  }

  /**
   * The jar a job runs: the one Flink reports for it ({@code reported}), else, for the expected
   * job, the one it was deployed with.
   */
  public String runningJar(String jobId, String reported) {
    if (reported != null) {
      return reported;
    }
    return jobId.equals(this.jobId) ? jobJarSha256 : null;
  }

  /**
   * Whether {@code jobId}'s states were set aside by a replacement that does not take them ({@link
   * #replacedState}): its checkpoints and savepoints are then no state to restore.
   */
  boolean setAside(String jobId) {
    return replacedState != null && jobId != null && jobId.equals(replacedState.jobId());
  }

  /**
   * Whether the state the pipeline starts from is the one a restore asked for and no job has
   * recorded a state of its own since, while the state before that request is known: the restore
   * can still be withdrawn.
   */
  boolean restoreWithdrawable() {
    return lastState != null && lastState.requested() && replacedState != null;
  }

  /** Whether an upgrade is under way. */
  public boolean upgrading() {
    return upgrade != null && upgrade.inProgress();
  }

  /** Nothing reconciled yet. */
  public static PipelineStatus initial() {
    return new PipelineStatus(
        0, 0, null, 0, null, null, null, false, List.of(), null, null, null, null, null, null, null,
        null, null, List.of(), List.of(), null, List.of(), null);
  }

  Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes of a status, one field at a time. */
  static final class Builder {
    long desiredVersion;
    long lineage;
    String jobId;
    int deployments;
    RestorePoint lastState;
    RestorePoint replacedState;
    String checkpointDirectory;
    boolean suspended;
    List<Instant> failureRestarts;
    Instant notBefore;
    String gaveUp;
    String unhealthy;
    String unhealthyJobId;
    String jobJarSha256;
    Integer jobParallelism;
    DeliveryGuarantee jobDeliveryGuarantee;
    Submission jobSubmission;
    Upgrade upgrade;
    List<String> rejectedJars;
    List<String> supersededJars;
    ReconcileStep lastStep;
    List<ReconcileStep> recentSteps;
    Instant updatedAt;

    private Builder(PipelineStatus s) {
      desiredVersion = s.desiredVersion;
      lineage = s.lineage;
      jobId = s.jobId;
      deployments = s.deployments;
      lastState = s.lastState;
      replacedState = s.replacedState;
      checkpointDirectory = s.checkpointDirectory;
      suspended = s.suspended;
      failureRestarts = s.failureRestarts;
      notBefore = s.notBefore;
      gaveUp = s.gaveUp;
      unhealthy = s.unhealthy;
      unhealthyJobId = s.unhealthyJobId;
      jobJarSha256 = s.jobJarSha256;
      jobParallelism = s.jobParallelism;
      jobDeliveryGuarantee = s.jobDeliveryGuarantee;
      jobSubmission = s.jobSubmission;
      upgrade = s.upgrade;
      rejectedJars = s.rejectedJars;
      supersededJars = s.supersededJars;
      lastStep = s.lastStep;
      recentSteps = s.recentSteps;
      updatedAt = s.updatedAt;
    }

    PipelineStatus build() {
      return new PipelineStatus(
          desiredVersion,
          lineage,
          jobId,
          deployments,
          lastState,
          replacedState,
          checkpointDirectory,
          suspended,
          failureRestarts,
          notBefore,
          gaveUp,
          unhealthy,
          unhealthyJobId,
          jobJarSha256,
          jobParallelism,
          jobDeliveryGuarantee,
          jobSubmission,
          upgrade,
          rejectedJars,
          supersededJars,
          lastStep,
          withLastStep(recentSteps, lastStep),
          updatedAt);
    }

    /**
     * Records that the pipeline was upgraded from {@code from} to {@code to}: {@code from} joins
     * the superseded jars (the oldest dropped past {@link #SUPERSEDED_JARS}), {@code to} leaves
     * them (an explicit upgrade back to it).
     */
    void upgradedAwayFrom(String from, String to) {
      List<String> jars = new ArrayList<>(supersededJars);
      jars.remove(to);
      if (from != null && !from.equals(to)) {
        jars.remove(from);
        jars.add(from);
      }
      supersededJars = jars.subList(Math.max(0, jars.size() - SUPERSEDED_JARS), jars.size());
    }

    /** {@code recent} ending with {@code last}, the oldest dropped past {@link #RECENT_STEPS}. */
    private static List<ReconcileStep> withLastStep(
        List<ReconcileStep> recent, ReconcileStep last) {
      if (last == null || (!recent.isEmpty() && recent.get(recent.size() - 1).equals(last))) {
        return recent;
      }
      List<ReconcileStep> steps = new ArrayList<>(recent);
      steps.add(last);
      return steps.subList(Math.max(0, steps.size() - RECENT_STEPS), steps.size());
    }
  }
}
