package io.fraudpipeline.control.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;

/**
 * Something the control plane decided or observed, as operators read it: in {@code GET
 * /api/v1/events}, the event stream, a Prometheus counter by reason and, for warnings, webhooks.
 *
 * @param id unique id of the event
 * @param time when it happened
 * @param type {@code normal} or {@code warning}
 * @param reason a short CamelCase word to switch on and count by (bounded set, e.g. {@code
 *     JobDeployed}, {@code JobRestoredFromLastState}, {@code RestartBudgetExhausted})
 * @param message what happened and why, for people
 * @param jobId the Flink job concerned, if any
 * @param replica the control-plane replica that recorded it
 */
public record PipelineEvent(
    String id,
    Instant time,
    Type type,
    String reason,
    String message,
    String jobId,
    String replica) {

  /** How much an event matters: warnings are also sent to webhooks. */
  public enum Type {
    NORMAL,
    WARNING;

    /** As JSON, metrics and query parameters show it: {@code normal} or {@code warning}. */
    @JsonValue
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type named {@code normal} or {@code warning}, in any case.
     *
     * @throws IllegalArgumentException for any other name
     */
    @JsonCreator
    public static Type of(String value) {
      for (Type type : values()) {
        if (type.name().equalsIgnoreCase(value)) {
          return type;
        }
      }
      throw new IllegalArgumentException("must be 'normal' or 'warning'");
    }
  }
}
