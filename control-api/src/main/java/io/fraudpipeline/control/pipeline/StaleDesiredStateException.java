package io.fraudpipeline.control.pipeline;

/** A desired-state change lost the race: another change of the same version was accepted first. */
public class StaleDesiredStateException extends RuntimeException {

  private final transient DesiredState current;

  StaleDesiredStateException(long basedOn, DesiredState current) {
    super(
        "The desired state changed since version "
            + basedOn
            + (current == null ? "" : "; it is at version " + current.version()));
    this.current = current;
  }

  /** The state that was accepted instead, if any. */
  public DesiredState current() {
    return current;
  }
}
