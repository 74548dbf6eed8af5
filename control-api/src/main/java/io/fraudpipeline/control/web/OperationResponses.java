package io.fraudpipeline.control.web;

import io.fraudpipeline.control.operations.Operation;
import java.net.URI;
import org.springframework.http.ResponseEntity;

/** The answer to a request that started a long-running operation. */
public final class OperationResponses {

  private OperationResponses() {}

  /** 202 with the operation, and a Location the client polls ({@code /api/v1/operations/{id}}). */
  public static ResponseEntity<Operation> accepted(Operation operation) {
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/operations/" + operation.id()))
        .body(operation);
  }
}
