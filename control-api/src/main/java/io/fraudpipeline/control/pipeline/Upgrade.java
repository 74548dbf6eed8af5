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
 * @param rollbackPoint the old job's state from before the upgrade: a rollback restores it
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
    String refusal) {

  /** Where an upgrade stands. */
  public enum Phase {
    /** The old job is down; the new one is deployed next. */
    REPLACING,
    /** The new job is deployed; it must be ready by {@code readyBy}. */
    AWAITING_READINESS,
    /** The new job was ready in time. */
    SUCCEEDED,
    /** The new job was not ready: it is cancelled and the old jar deployed from the old state. */
    ROLLING_BACK,
    /** The old jar runs again from its state before the upgrade. */
    ROLLED_BACK,
    /** The new job was not ready and no rollback was possible; it is left as it is. */
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
   * at the start (desired version, jars, mode, rollback point, old job, start) are not here.
   */
  private static final class Change {
    private final Upgrade from;
    String toJobId;
    Phase phase;
    Instant readyBy;
    Instant finishedAt;
    String reason;
    String refusal;

    Change(Upgrade from) {
      this.from = from;
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
          from.rollbackPoint,
          from.fromJobId,
          toJobId,
          phase,
          from.startedAt,
          readyBy,
          finishedAt,
          reason,
          refusal);
    }
  }
}
