package io.fraudpipeline.control.errors;

import java.util.Map;

/**
 * This control-plane replica is shutting down and takes no new work of the kind asked for; another
 * replica may.
 */
public final class ShuttingDownException extends DomainException {

  public ShuttingDownException(String detail, Map<String, ?> properties) {
    super(detail, properties, null);
  }
}
