package io.fraudpipeline.control.errors;

import java.util.Map;

/** What was asked for (a job, an operation, a savepoint, a run...) does not exist. */
public non-sealed class NotFoundException extends DomainException {

  public NotFoundException(String detail) {
    super(detail, Map.of(), null);
  }
}
