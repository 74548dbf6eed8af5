package io.fraudpipeline.control.alerts;

/**
 * The two alerts topics the control plane shows: the alerts people act on, and the alerts of named
 * rules in shadow state (what a rule would raise, kept apart so nobody acts on them).
 */
public enum AlertFeed {
  /** {@code fraud.topics.fraud-alerts}: the built-in rules' alerts and the active named rules'. */
  ALERTS,
  /** {@code fraud.topics.fraud-alerts-shadow}: the alerts of named rules in shadow state. */
  SHADOW
}
