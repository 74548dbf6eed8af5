package io.fraudpipeline.control.errors;

import java.util.Map;

/** As many of these (runs, backtests, live streams...) are going as the settings allow. */
public final class ConcurrencyLimitException extends DomainException {

  public ConcurrencyLimitException(String detail) {
    this(detail, Map.of());
  }

  public ConcurrencyLimitException(String detail, Map<String, ?> properties) {
    super(detail, properties, null);
  }
}
