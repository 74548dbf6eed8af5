package io.fraudpipeline.control.kafka;

/**
 * Kafka cannot be reached or did not answer in time; the web layer answers 503 kafka-unavailable.
 */
public class KafkaUnavailableException extends RuntimeException {

  public KafkaUnavailableException(String detail) {
    super(detail);
  }

  public KafkaUnavailableException(String detail, Throwable cause) {
    super(detail, cause);
  }
}
