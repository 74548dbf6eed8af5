package io.fraudpipeline.control.events;

import io.fraudpipeline.model.FraudJson;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/**
 * The one JSON form of an event, the same in the topic, the stream and webhook bodies as in the
 * API: snake_case, ISO-8601 time, {@code type} in lower case, absent fields left out.
 */
final class EventJson {

  private EventJson() {}

  static byte[] write(PipelineEvent event) {
    return FraudJson.mapper().writeValueAsBytes(event);
  }

  static String writeString(PipelineEvent event) {
    return FraudJson.mapper().writeValueAsString(event);
  }

  /**
   * The event, or empty when the bytes are not one (e.g. written by a later, different version).
   */
  static Optional<PipelineEvent> read(byte[] value) {
    try {
      PipelineEvent event = FraudJson.mapper().readValue(value, PipelineEvent.class);
      return event == null || event.id() == null || event.type() == null
          ? Optional.empty()
          : Optional.of(event);
    } catch (JacksonException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
