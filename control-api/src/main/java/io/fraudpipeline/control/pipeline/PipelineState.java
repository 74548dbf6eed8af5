package io.fraudpipeline.control.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether the fraud job should run. */
public enum PipelineState {
  RUNNING,
  SUSPENDED;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static PipelineState parse(String value) {
    for (PipelineState state : values()) {
      if (state.json().equalsIgnoreCase(value.strip())) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        "unknown state '" + value + "': expected running or suspended");
  }
}
