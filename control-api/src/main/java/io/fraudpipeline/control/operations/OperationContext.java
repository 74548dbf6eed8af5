package io.fraudpipeline.control.operations;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** What a running operation's body may report before it ends. */
public interface OperationContext {

  String operationId();

  Instant deadline();

  /** Records the savepoint the operation wrote, so it is kept even if a later step fails. */
  void savepointWritten(String path);

  /** Records a step the operation took, shown with it while it runs and after. */
  void step(String message);

  /**
   * Shows how far the operation got; written to the store at most once per {@code
   * fraud.operations.progress-interval} (it may change often), so other replicas serve it.
   */
  void progress(OperationProgress progress);

  /** Records what the operation found; shown once it has ended. */
  void result(JsonNode result);

  /**
   * Makes the operation cancellable ({@code DELETE /api/v1/operations/{id}}): {@code cancel} is
   * called once on request, and should make the body end soon (the operation is then CANCELLED).
   */
  void onCancel(Runnable cancel);

  /** Whether a cancel was requested. */
  boolean cancelRequested();

  /**
   * Whether the replica shuts down and asked this body to end its work itself ({@link
   * Operations#endAtShutdown}): the body, interrupted, then ends it and throws {@link
   * EndedAtShutdown}.
   */
  boolean shuttingDown();

  /** The control-plane replica that runs the operation. */
  String replica();
}
