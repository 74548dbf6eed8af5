package io.fraudpipeline.control.errors;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** As many of these (runs, backtests, live streams...) are going as the settings allow. */
public final class ConcurrencyLimitException extends DomainException {

  private final Duration retryAfter;

  public ConcurrencyLimitException(String detail) {
    this(detail, Map.of());
  }

  public ConcurrencyLimitException(String detail, Map<String, ?> properties) {
    this(detail, properties, null);
  }

  /**
   * @param retryAfter how soon a try again may succeed, when the refuser can tell (a slot it is
   *     about to free); null when it cannot
   */
  public ConcurrencyLimitException(String detail, Map<String, ?> properties, Duration retryAfter) {
    super(detail, properties, null);
    this.retryAfter = retryAfter;
  }

  /** How soon a try again may succeed, when known. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
