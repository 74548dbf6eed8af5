package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.errors.NotFoundException;

public class OperationNotFoundException extends NotFoundException {

  public OperationNotFoundException(String id) {
    super(
        "No operation "
            + id
            + " (the latest "
            + KnownOperations.RETAINED
            + " ended operations are kept; the savepoint history keeps every savepoint)");
  }
}
