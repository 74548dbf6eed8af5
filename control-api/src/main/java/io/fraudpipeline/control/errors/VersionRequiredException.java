package io.fraudpipeline.control.errors;

import java.util.Map;

/** A change did not say which version it is based on, so it could overwrite another one. */
public final class VersionRequiredException extends DomainException {

  public VersionRequiredException(String detail) {
    super(detail, Map.of(), null);
  }
}
