package io.fraudpipeline.control.operations;

/**
 * Thrown by an operation's body that ended its work itself because its replica shuts down ({@link
 * Operations#endAtShutdown}): the operation is recorded FAILED with this message as its cause, a
 * planned end (logged at INFO), rather than left in progress for another replica to find.
 */
public class EndedAtShutdown extends Exception {

  /**
   * @param cause what the operation's user reads as its {@code failure_cause}: what became of the
   *     work and what to do
   */
  public EndedAtShutdown(String cause) {
    super(cause);
  }
}
