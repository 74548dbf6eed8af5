package io.fraudpipeline.control.topics;

import java.util.List;

/**
 * The fraud job's consumer lag on its input topic.
 *
 * @param groupId the consumer group
 * @param topic the topic it reads
 * @param status the worst status of its partitions; UNKNOWN when none is known
 * @param lagRecords the sum over partitions with a committed offset
 * @param lagSeconds the largest over partitions (the oldest unread record)
 * @param partitions each partition of the topic, by number
 */
public record ConsumerLag(
    String groupId,
    String topic,
    LagStatus status,
    long lagRecords,
    Double lagSeconds,
    List<PartitionLag> partitions) {

  static ConsumerLag unknown(String groupId, String topic) {
    return new ConsumerLag(groupId, topic, LagStatus.UNKNOWN, 0, null, List.of());
  }
}
