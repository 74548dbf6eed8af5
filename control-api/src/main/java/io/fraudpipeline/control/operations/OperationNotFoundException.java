package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;

public class OperationNotFoundException extends ApiException {

  public OperationNotFoundException(String id) {
    super(
        ProblemType.NOT_FOUND,
        "No operation "
            + id
            + " (operations are kept in memory for a while after they end; the savepoint"
            + " history keeps every savepoint durably)");
  }
}
