package io.fraudpipeline.control.operations;

import java.time.Instant;

/** What a running operation's body may report before it ends. */
public interface OperationContext {

  String operationId();

  Instant deadline();

  /** Records the savepoint the operation wrote, so it is kept even if a later step fails. */
  void savepointWritten(String path);

  /** Records a step the operation took, shown with it while it runs and after. */
  void step(String message);
}
