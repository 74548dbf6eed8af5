package io.fraudpipeline.control.topics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one round of Kafka calls returned, before any interpretation.
 *
 * @param at when it was taken
 * @param topics every pipeline topic
 * @param committed the group's committed offset per partition of the lag topic (absent: none)
 * @param countedLag per partition of the lag topic whose gap was counted record by record: the
 *     committed records between the committed offset and the last stable offset
 * @param alertsCommitted a running total of the alerts topic's committed records since the reader's
 *     first sample of it (see {@link KafkaOffsetsReader}); null while the topic is missing
 */
record OffsetsSample(
    Instant at,
    List<TopicSample> topics,
    Map<Integer, Long> committed,
    Map<Integer, Long> countedLag,
    Long alertsCommitted) {

  record TopicSample(String name, boolean exists, List<PartitionSample> partitions) {}

  record PartitionSample(int partition, long earliest, long latest, long lastStable) {}
}
