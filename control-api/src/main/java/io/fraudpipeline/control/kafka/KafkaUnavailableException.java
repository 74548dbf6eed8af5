package io.fraudpipeline.control.kafka;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;
import java.util.Map;

/** Kafka cannot be reached or did not answer in time: a 503. */
public class KafkaUnavailableException extends ApiException {

  public KafkaUnavailableException(String detail, Throwable cause) {
    super(ProblemType.KAFKA_UNAVAILABLE, detail, Map.of(), cause);
  }
}
