package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One sample of the pipeline's offsets and the fraud job's lag, taken by the {@link OffsetsPoller}.
 * REST reads, metrics and health all answer from the latest one.
 *
 * @param observedAt when the sample was taken
 * @param kafkaReachable whether Kafka answered every call of the sample
 * @param error why it did not, when it did not
 * @param lastReachableAt when Kafka last answered, or null if never
 * @param topics the pipeline topics (empty when Kafka was unreachable)
 * @param lag the fraud job's consumer lag (UNKNOWN when Kafka was unreachable)
 * @param alertsPerSecond committed alerts per second over the rate window, counted record by record
 *     (see {@link KafkaOffsetsReader}); null when Kafka was unreachable or the topic is missing
 */
public record OffsetsObservation(
    Instant observedAt,
    boolean kafkaReachable,
    String error,
    Instant lastReachableAt,
    List<TopicOffsets> topics,
    ConsumerLag lag,
    Double alertsPerSecond) {

  /** An observation without an alert rate. */
  public OffsetsObservation(
      Instant observedAt,
      boolean kafkaReachable,
      String error,
      Instant lastReachableAt,
      List<TopicOffsets> topics,
      ConsumerLag lag) {
    this(observedAt, kafkaReachable, error, lastReachableAt, topics, lag, null);
  }

  static OffsetsObservation unreachable(
      Instant at, String error, Instant lastReachableAt, String groupId, String lagTopic) {
    return new OffsetsObservation(
        at, false, error, lastReachableAt, List.of(), ConsumerLag.unknown(groupId, lagTopic));
  }

  /**
   * Refuses, for a request that needs Kafka, a sample Kafka did not answer.
   *
   * @throws KafkaUnavailableException saying when Kafka did not answer and why
   */
  public void requireKafkaReachable() {
    if (!kafkaReachable) {
      throw new KafkaUnavailableException("Kafka did not answer at " + observedAt + ": " + error);
    }
  }

  public Optional<TopicOffsets> topic(String name) {
    return topics.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
