package io.fraudpipeline.control.errors;

import java.util.Map;

/** This build of the control plane lacks a part it needs (e.g. the embedded job jar). */
public final class IncompleteBuildException extends DomainException {

  public IncompleteBuildException(String detail) {
    super(detail, Map.of(), null);
  }
}
