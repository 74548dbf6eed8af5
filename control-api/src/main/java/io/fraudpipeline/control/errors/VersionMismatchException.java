package io.fraudpipeline.control.errors;

import java.util.Map;

/** A change was based on a version that is no longer the current one. */
public final class VersionMismatchException extends DomainException {

  public VersionMismatchException(String detail, Map<String, ?> properties) {
    super(detail, properties, null);
  }
}
