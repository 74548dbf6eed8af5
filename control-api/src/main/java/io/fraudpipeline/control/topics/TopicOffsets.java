package io.fraudpipeline.control.topics;

import java.util.List;

/**
 * Offsets of one pipeline topic.
 *
 * @param name the topic name
 * @param exists whether the topic exists (the control plane creates it when missing)
 * @param records the sum of {@link PartitionOffsets#records()} over partitions
 * @param recordsPerSecond growth of the summed last stable offsets over the rate window: offsets,
 *     so each transaction marker and aborted record counts as one
 * @param partitions each partition, by number
 */
public record TopicOffsets(
    String name,
    boolean exists,
    long records,
    double recordsPerSecond,
    List<PartitionOffsets> partitions) {

  static TopicOffsets missing(String name) {
    return new TopicOffsets(name, false, 0, 0.0, List.of());
  }
}
