package io.fraudpipeline.control.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a running job is taken down when the pipeline is suspended. */
public enum SuspendMode {
  /** Stop with a savepoint (the default); resuming restores it. */
  SAVEPOINT("savepoint"),
  /** Stop with a savepoint after emitting MAX_WATERMARK, which ends event-time windows. */
  DRAIN("drain"),
  /** Cancel without a savepoint; the last checkpoint is retained and resuming restores it. */
  CANCEL("cancel");

  private final String json;

  SuspendMode(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }

  @JsonCreator
  public static SuspendMode parse(String value) {
    for (SuspendMode mode : values()) {
      if (mode.json.equalsIgnoreCase(value.strip())) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown suspend mode '" + value + "': expected savepoint, drain or cancel");
  }
}
