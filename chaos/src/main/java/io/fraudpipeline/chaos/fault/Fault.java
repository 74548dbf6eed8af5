package io.fraudpipeline.chaos.fault;

/** One fault a scenario injects into the running cluster under load. */
public interface Fault {

  /** Short id, also the chart's file name, e.g. {@code taskmanager-kill}. */
  String id();

  /** Human-readable title for the report. */
  String title();

  /**
   * Injects the fault and returns when its active part is over (a frozen broker thawed, a restart
   * done), with what happened and when.
   */
  FaultLog inject(ChaosContext context) throws Exception;

  /** Brings the cluster back to full strength for the next scenario (after the counting). */
  default void heal(ChaosContext context) throws Exception {}
}
