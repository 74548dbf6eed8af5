package io.fraudpipeline.control.pipeline;

import java.time.Instant;

/**
 * An upgrade of the fraud job onto another jar, from taking the old job down to its outcome. Kept
 * in the reconciler's status, so a new leader carries on with it (including a rollback).
 *
 * @param desiredVersion the desired version that asked for the new jar
 * @param fromJar the jar the old job ran (null when unknown: it cannot be rolled back to)
 * @param toJar the jar being moved to
 * @param mode how the old job was taken down
 * @param rollbackPoint the state a rollback restores: the old job's from before the upgrade; once
 *     the new release was rolled back after it was ready (within the watch period), its newest
 *     checkpoint, which has everything it committed (see {@link #readyAt})
 * @param fromJobId the job that was replaced
 * @param toJobId the job that runs the new jar, once deployed
 * @param phase where it stands
 * @param startedAt when the old job was taken down
 * @param readyBy the new job must be ready by then (RUNNING, every task running, a checkpoint
 *     completed), or the upgrade is rolled back
 * @param finishedAt when it succeeded, was rolled back or failed
 * @param reason why it was rolled back, failed or abandoned
 * @param refusal why Flink refused to run the new job (its answer to the run request, e.g. the
 *     jar's entry class missing): no retry would change it, so the upgrade is rolled back at once
 * @param readyAt when the new job was found ready (null: not yet, or never)
 * @param watchedUntil until when the ready release is still rolled back by itself if Flink keeps
 *     restarting it or it fails ({@code fraud.reconciler.upgrade.watch-period}); null: not watched
 */
public record Upgrade(
    long desiredVersion,
    String fromJar,
    String toJar,
    UpgradeMode mode,
    RestorePoint rollbackPoint,
    String fromJobId,
    String toJobId,
    Phase phase,
    Instant startedAt,
    Instant readyBy,
    Instant finishedAt,
    String reason,
    String refusal,
    Instant readyAt,
    Instant watchedUntil) {

  /** Where an upgrade stands. */
  public enum Phase {
    /** The old job is down; the new one is deployed next. */
    REPLACING,
    /** The new job is deployed; it must be ready by {@code readyBy}. */
    AWAITING_READINESS,
    /** The new job was ready in time (still watched until {@code watchedUntil}, if set). */
    SUCCEEDED,
    /**
     * The new job was not ready, or crash-looped or failed within the watch period: it is cancelled
     * and the old jar deployed from the rollback point; after readiness, until the old jar's job is
     * ready on the new release's state.
     */
    ROLLING_BACK,
    /** The old jar runs again from its state before the upgrade. */
    ROLLED_BACK,
    /**
     * The new job was not ready and no rollback was possible (it is left as it is), or the old jar
     * could not run from the newest state of a release rolled back after readiness (nothing runs).
     */
    FAILED,
    /** Another change of the desired state (suspend, another jar) ended it. */
    ABANDONED
  }

  public boolean inProgress() {
    return switch (phase) {
      case REPLACING, AWAITING_READINESS, ROLLING_BACK -> true;
      default -> false;
    };
  }

  /** Whether the old job was stopped with a savepoint (which a rollback restores). */
  public boolean savepointTaken() {
    return rollbackPoint != null
        && rollbackPoint.kind() == RestorePoint.Kind.SAVEPOINT
        && fromJobId != null
        && fromJobId.equals(rollbackPoint.jobId());
  }

  /**
   * An upgrade from its start: in {@code REPLACING} once the old job is down, or straight in {@code
   * AWAITING_READINESS} when a suspended pipeline resumes on another jar.
   */
  static Upgrade begin(
      long desiredVersion,
      String fromJar,
      String toJar,
      UpgradeMode mode,
      RestorePoint rollbackPoint,
      String fromJobId,
      Phase phase,
      Instant startedAt) {
    return new Upgrade(
        desiredVersion,
        fromJar,
        toJar,
        mode,
        rollbackPoint,
        fromJobId,
        null,
        phase,
        startedAt,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  Upgrade deployed(String jobId, Instant readyDeadline) {
    Change change = change();
    change.toJobId = jobId;
    change.phase = Phase.AWAITING_READINESS;
    change.readyBy = readyDeadline;
    // A new job's wait starts afresh: nothing of an earlier end or refusal applies to it.
    change.finishedAt = null;
    change.reason = null;
    change.refusal = null;
    return change.apply();
  }

  /** The new job's run request refused by Flink, for {@code why}. */
  Upgrade refused(String why) {
    Change change = change();
    change.refusal = why;
    return change.apply();
  }

  /** Found ready at {@code at}, and watched until {@code watchedUntil} (null: not watched). */
  Upgrade ready(Instant at, Instant watchedUntil) {
    Change change = change();
    change.phase = Phase.SUCCEEDED;
    change.finishedAt = at;
    change.readyAt = at;
    change.watchedUntil = watchedUntil;
    return change.apply();
  }

  /** Whether the ready release is still watched at {@code now}. */
  boolean watched(Instant now) {
    return phase == Phase.SUCCEEDED && watchedUntil != null && now.isBefore(watchedUntil);
  }

  /** Whether it is a rollback of a release that had been ready: then from its newest state. */
  boolean afterReadiness() {
    return readyAt != null;
  }

  /** Rolled back after it was ready, from its newest state {@code from}, for {@code why}. */
  Upgrade rollingBackFrom(RestorePoint from, String why) {
    Change change = change();
    change.phase = Phase.ROLLING_BACK;
    change.rollbackPoint = from;
    change.finishedAt = null;
    change.reason = why;
    return change.apply();
  }

  /** The old jar's job of a rollback after readiness deployed: it must be ready by then. */
  Upgrade rollbackDeployed(Instant readyDeadline) {
    Change change = change();
    change.readyBy = readyDeadline;
    return change.apply();
  }

  Upgrade moveTo(Phase next, Instant at, String why) {
    Change change = change();
    change.phase = next;
    change.finishedAt = next == Phase.ROLLING_BACK ? null : at;
    if (why != null) {
      change.reason = why;
    }
    return change.apply();
  }

  private Change change() {
    return new Change(this);
  }

  /**
   * A copy of an upgrade being changed: each copy method sets only what it changes. The parts fixed
   * at the start (desired version, jars, mode, old job, start) are not here; the rollback point
   * only changes for a rollback after readiness.
   */
  private static final class Change {
    private final Upgrade from;
    RestorePoint rollbackPoint;
    String toJobId;
    Phase phase;
    Instant readyBy;
    Instant finishedAt;
    String reason;
    String refusal;
    Instant readyAt;
    Instant watchedUntil;

    Change(Upgrade from) {
      this.from = from;
      this.rollbackPoint = from.rollbackPoint;
      this.readyAt = from.readyAt;
      this.watchedUntil = from.watchedUntil;
      this.toJobId = from.toJobId;
      this.phase = from.phase;
      this.readyBy = from.readyBy;
      this.finishedAt = from.finishedAt;
      this.reason = from.reason;
      this.refusal = from.refusal;
    }

    Upgrade apply() {
      return new Upgrade(
          from.desiredVersion,
          from.fromJar,
          from.toJar,
          from.mode,
          rollbackPoint,
          from.fromJobId,
          toJobId,
          phase,
          from.startedAt,
          readyBy,
          finishedAt,
          reason,
          refusal,
          readyAt,
          watchedUntil);
    }
  }
}
