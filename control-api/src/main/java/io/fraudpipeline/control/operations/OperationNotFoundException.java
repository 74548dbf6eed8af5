package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;

public class OperationNotFoundException extends ApiException {

  public OperationNotFoundException(String id) {
    super(
        ProblemType.NOT_FOUND,
        "No operation "
            + id
            + " (the latest "
            + Operations.RETAINED
            + " ended operations are kept; the savepoint history keeps every savepoint)");
  }
}
