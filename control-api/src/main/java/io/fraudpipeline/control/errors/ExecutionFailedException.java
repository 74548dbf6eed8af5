package io.fraudpipeline.control.errors;

import java.util.Map;

/** The change was accepted, but carrying it out on the Flink cluster failed. */
public final class ExecutionFailedException extends DomainException {

  public ExecutionFailedException(String detail, Map<String, ?> properties) {
    super(detail, properties, null);
  }
}
