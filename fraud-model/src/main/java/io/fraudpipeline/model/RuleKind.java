package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** What a named rule looks at. */
public enum RuleKind {
  /** One transaction's numeric field against a limit; stateless. */
  THRESHOLD,
  /** An aggregate over a group's sliding event-time window against a limit; keyed state. */
  AGGREGATE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<RuleKind> fromWire(String name) {
    for (RuleKind k : values()) {
      if (k.wireName().equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
