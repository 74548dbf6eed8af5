package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Whether the job evaluates a named rule, and where its alerts go. */
public enum RuleState {
  /** Evaluated; alerts go to {@code fraud-alerts}. */
  ACTIVE,
  /**
   * Evaluated; alerts go to {@code fraud-alerts-shadow} only, to try a rule without acting on it.
   */
  SHADOW,
  /** Not evaluated; its window state is dropped. */
  PAUSED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state a wire name stands for, if any. */
  public static Optional<RuleState> fromWire(String name) {
    for (RuleState s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
