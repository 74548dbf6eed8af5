package io.fraudpipeline.control.events;

import java.util.Set;

/**
 * The reasons an event may give: a fixed vocabulary, so the {@code reason} tag of {@code
 * fraud_events_total} stays bounded and dashboards, alert rules and webhook receivers can switch on
 * it. Whoever records an event uses one of these constants; any other reason is still recorded but
 * counted as {@link #OTHER}.
 */
public final class EventReason {

  /** The fraud job was submitted to Flink (fresh, without state). */
  public static final String JOB_DEPLOYED = "JobDeployed";

  /** The fraud job was submitted from its latest savepoint or checkpoint. */
  public static final String JOB_RESTORED_FROM_LAST_STATE = "JobRestoredFromLastState";

  /** A failed job was submitted again, within the restart budget. */
  public static final String JOB_RESTARTED = "JobRestarted";

  /** Flink reports the job FAILED. */
  public static final String JOB_FAILED = "JobFailed";

  /** The job failed more often than the restart budget allows: the reconciler gave up. */
  public static final String RESTART_BUDGET_EXHAUSTED = "RestartBudgetExhausted";

  /** The job runs but is not healthy (e.g. restarting in a loop, checkpoints failing). */
  public static final String JOB_UNHEALTHY = "JobUnhealthy";

  /** The job was stopped (with a savepoint) because the desired state is suspended. */
  public static final String JOB_SUSPENDED = "JobSuspended";

  /** A second fraud job was found running and stopped. */
  public static final String DUPLICATE_JOB_STOPPED = "DuplicateJobStopped";

  /** This replica became the leader (the one that reconciles). */
  public static final String LEADER_ELECTED = "LeaderElected";

  /** This replica lost the leadership. */
  public static final String LEADER_LOST = "LeaderLost";

  /** Flink's REST API stopped answering. */
  public static final String FLINK_UNREACHABLE = "FlinkUnreachable";

  /** Flink's REST API answers again. */
  public static final String FLINK_REACHABLE = "FlinkReachable";

  /** Someone changed the desired state of the pipeline. */
  public static final String DESIRED_STATE_CHANGED = "DesiredStateChanged";

  /** A reconcile step (deploy, stop, rescale...) failed; the next round tries again. */
  public static final String RECONCILE_FAILED = "ReconcileFailed";

  /** A suspended pipeline's job was deployed again from the state it was suspended with. */
  public static final String JOB_RESUMED = "JobResumed";

  /** The job was taken down to be replaced (new settings, a requested restore, unhealthy). */
  public static final String JOB_REPLACED = "JobReplaced";

  /** Closes a {@link #JOB_UNHEALTHY}: the job is healthy again, or runs no more. */
  public static final String JOB_HEALTHY = "JobHealthy";

  /** A fraud job the control plane did not deploy is managed from now on. */
  public static final String JOB_ADOPTED = "JobAdopted";

  /** A periodic savepoint could not be taken; the next one is tried at the next interval. */
  public static final String SAVEPOINT_FAILED = "SavepointFailed";

  /** A savepoint was disposed of (its files deleted) and removed from the history. */
  public static final String SAVEPOINT_DISPOSED = "SavepointDisposed";

  /** Disposing of a savepoint failed; it stays in the history and is tried again. */
  public static final String SAVEPOINT_DISPOSAL_FAILED = "SavepointDisposalFailed";

  /** A restore from the latest savepoint skipped savepoints whose records Kafka already deleted. */
  public static final String UNSAFE_SAVEPOINT_SKIPPED = "UnsafeSavepointSkipped";

  /** Retention deleted records before the fraud job's consumer group read them. */
  public static final String DATA_LOSS = "DataLoss";

  /** A job is being moved onto another jar (an upgrade, or a resume on a new jar). */
  public static final String UPGRADE_STARTED = "UpgradeStarted";

  /** The upgraded job passed its readiness check. */
  public static final String UPGRADE_SUCCEEDED = "UpgradeSucceeded";

  /**
   * The upgraded job was not ready in time (the previous jar runs again from before it), or, ready,
   * crash-looped or failed within the watch period (the previous jar runs again from its newest
   * checkpoint).
   */
  public static final String UPGRADE_ROLLED_BACK = "UpgradeRolledBack";

  /**
   * An upgrade neither succeeded nor could be rolled back (e.g. the previous jar is unknown), or
   * the previous jar could not run from the state of a release rolled back after readiness.
   */
  public static final String UPGRADE_FAILED = "UpgradeFailed";

  /**
   * An upgrade under way was given up because the desired state changed (another jar, suspended):
   * the operator's own change, not a failure.
   */
  public static final String UPGRADE_ABANDONED = "UpgradeAbandoned";

  /**
   * A backtest whose control plane stopped during it had its Flink job cancelled and its output
   * topic deleted.
   */
  public static final String BACKTEST_ABANDONED = "BacktestAbandoned";

  /**
   * A backtest ended as the replica running it shut down: its Flink job cancelled, its output topic
   * deleted, its operation failed saying to run it again. A planned end, not an abandonment.
   */
  public static final String BACKTEST_ENDED_AT_SHUTDOWN = "BacktestEndedAtShutdown";

  /** The metric tag of a reason outside this vocabulary (the event itself keeps its reason). */
  public static final String OTHER = "Other";

  /** Every reason of the vocabulary, {@link #OTHER} excluded. */
  public static final Set<String> ALL =
      Set.of(
          JOB_DEPLOYED,
          JOB_RESTORED_FROM_LAST_STATE,
          JOB_RESTARTED,
          JOB_FAILED,
          RESTART_BUDGET_EXHAUSTED,
          JOB_UNHEALTHY,
          JOB_SUSPENDED,
          DUPLICATE_JOB_STOPPED,
          LEADER_ELECTED,
          LEADER_LOST,
          FLINK_UNREACHABLE,
          FLINK_REACHABLE,
          DESIRED_STATE_CHANGED,
          RECONCILE_FAILED,
          JOB_RESUMED,
          JOB_REPLACED,
          JOB_HEALTHY,
          JOB_ADOPTED,
          UPGRADE_STARTED,
          UPGRADE_SUCCEEDED,
          UPGRADE_ROLLED_BACK,
          UPGRADE_FAILED,
          UPGRADE_ABANDONED,
          SAVEPOINT_FAILED,
          SAVEPOINT_DISPOSED,
          SAVEPOINT_DISPOSAL_FAILED,
          UNSAFE_SAVEPOINT_SKIPPED,
          DATA_LOSS,
          BACKTEST_ABANDONED,
          BACKTEST_ENDED_AT_SHUTDOWN);

  private EventReason() {}

  /** The reason as a metric tag: itself when it is in the vocabulary, else {@link #OTHER}. */
  public static String tag(String reason) {
    return reason != null && ALL.contains(reason) ? reason : OTHER;
  }
}
