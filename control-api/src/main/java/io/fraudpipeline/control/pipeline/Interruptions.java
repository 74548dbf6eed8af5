package io.fraudpipeline.control.pipeline;

/**
 * The reconciler's thread is interrupted only when its replica shuts down ({@link ReconcileLoop}'s
 * stop): a Flink call cut short then ("Interrupted while calling Flink") is no failure of the step,
 * and recorded as one it paged people (a warning, webhooked) for a planned restart. The step ends
 * unrecorded instead: the status keeps what was written before it (a deployment's intent, which the
 * next leader submits again under the same JobID), and the next leader takes it up.
 */
final class Interruptions {

  private Interruptions() {}

  /**
   * Throws {@link InterruptedException} (clearing the interrupt, as it does) when this thread was
   * interrupted, whatever {@code failure} says; returns otherwise, for the caller to record it.
   */
  static void rethrowIfInterrupted(RuntimeException failure) throws InterruptedException {
    if (Thread.interrupted()) {
      InterruptedException interrupted =
          new InterruptedException("The replica shuts down: " + failure.getMessage());
      interrupted.initCause(failure);
      throw interrupted;
    }
  }
}
