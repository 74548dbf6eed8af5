package io.fraudpipeline.control.topics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * The fraud job's consumer lag on its input topic.
 *
 * @param groupId the consumer group
 * @param topic the topic it reads
 * @param status the worst status of its partitions; UNKNOWN when none is known
 * @param lagRecords the sum over partitions with a committed offset
 * @param lagSeconds the largest over partitions (the oldest unread record)
 * @param recordsLost records deleted by retention before the group read them, all partitions, as
 *     the committed offsets stand now
 * @param partitions each partition of the topic, by number
 * @param newlyLost per partition, lost records first found by this sample (each lost record is
 *     counted once, however many samples see it)
 */
public record ConsumerLag(
    String groupId,
    String topic,
    LagStatus status,
    long lagRecords,
    Double lagSeconds,
    long recordsLost,
    List<PartitionLag> partitions,
    @JsonIgnore Map<Integer, Long> newlyLost) {

  static ConsumerLag unknown(String groupId, String topic) {
    return new ConsumerLag(groupId, topic, LagStatus.UNKNOWN, 0, null, 0, List.of(), Map.of());
  }
}
