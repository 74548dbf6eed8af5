package io.fraudpipeline.control.flink;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The fraud job's Kafka sink guarantee, spelled as the job's {@code --delivery-guarantee}. */
public enum DeliveryGuarantee {
  EXACTLY_ONCE("exactly-once"),
  AT_LEAST_ONCE("at-least-once");

  private final String argument;

  DeliveryGuarantee(String argument) {
    this.argument = argument;
  }

  /** The value of the job's {@code --delivery-guarantee} argument, also the JSON spelling. */
  @JsonValue
  public String argument() {
    return argument;
  }

  /** Accepts {@code exactly-once}, {@code exactly_once} or {@code EXACTLY_ONCE}. */
  @JsonCreator
  public static DeliveryGuarantee parse(String value) {
    String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (DeliveryGuarantee guarantee : values()) {
      if (guarantee.argument.equals(normalized)) {
        return guarantee;
      }
    }
    throw new IllegalArgumentException(
        "unknown delivery guarantee '" + value + "': expected exactly-once or at-least-once");
  }
}
