package io.fraudpipeline.control.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a running job is replaced when its settings change (parallelism, delivery guarantee): the
 * Flink Kubernetes Operator's upgrade modes.
 */
public enum UpgradeMode {
  /** Stop with a savepoint, run the replacement from it; never falls back to a checkpoint. */
  SAVEPOINT("savepoint"),
  /** Cancel (the last checkpoint is retained), run the replacement from the newest checkpoint. */
  LAST_STATE("last-state"),
  /** Cancel and run the replacement without state (from the group's committed offsets). */
  STATELESS("stateless");

  private final String json;

  UpgradeMode(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }

  @JsonCreator
  public static UpgradeMode parse(String value) {
    for (UpgradeMode mode : values()) {
      if (mode.json.equalsIgnoreCase(value.strip().replace('_', '-'))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown upgrade mode '" + value + "': expected savepoint, last-state or stateless");
  }
}
