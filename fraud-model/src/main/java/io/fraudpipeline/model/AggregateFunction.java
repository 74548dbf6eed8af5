package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** The aggregate an {@link RuleKind#AGGREGATE} rule computes over its window. */
public enum AggregateFunction {
  /** Transactions in the window; needs no field. */
  COUNT(false),
  /** Distinct values of a text field (e.g. {@code merchant}) in the window. */
  COUNT_DISTINCT(false),
  SUM(true),
  AVG(true),
  MIN(true),
  MAX(true);

  private final boolean numeric;

  AggregateFunction(boolean numeric) {
    this.numeric = numeric;
  }

  /** Whether the function needs a numeric field ({@code amount}). */
  public boolean numeric() {
    return numeric;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AggregateFunction> fromWire(String name) {
    for (AggregateFunction f : values()) {
      if (f.wireName().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
