package io.fraudpipeline.control.errors;

import java.util.Map;

/**
 * The request is valid, but the current state does not allow it (the job has ended, another change
 * is in progress, nothing would change...).
 */
public final class StateConflictException extends DomainException {

  public StateConflictException(String detail) {
    this(detail, Map.of());
  }

  public StateConflictException(String detail, Map<String, ?> properties) {
    super(detail, properties, null);
  }
}
