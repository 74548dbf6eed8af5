package io.fraudpipeline.control.errors;

import java.util.Map;

/** The input is missing or cannot be read at all (not JSON), so no field can be checked. */
public final class MalformedInputException extends DomainException {

  public MalformedInputException(String detail) {
    super(detail, Map.of(), null);
  }
}
