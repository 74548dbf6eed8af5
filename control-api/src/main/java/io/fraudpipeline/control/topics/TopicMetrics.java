package io.fraudpipeline.control.topics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Offsets, lag and rates as Micrometer gauges, refreshed from every poller sample (docs/metrics.md
 * lists them). Tags are bounded: four topics, their partitions, one group, four statuses. When
 * Kafka is unreachable the offset and lag series disappear rather than repeat stale numbers, and
 * the status is UNKNOWN.
 */
@Component
class TopicMetrics implements OffsetsListener {

  private final LiveMultiGauge startOffsets;
  private final LiveMultiGauge endOffsets;
  private final LiveMultiGauge recordsPerSecond;
  private final LiveMultiGauge alertsPerSecond;
  private final LiveMultiGauge lagRecords;
  private final LiveMultiGauge lagSeconds;
  private final LiveMultiGauge groupLagRecords;
  private final LiveMultiGauge groupLagSeconds;
  private final LiveMultiGauge lagStatus;

  TopicMetrics(MeterRegistry registry) {
    startOffsets =
        gauge(registry, "fraud.topic.start.offset", "Earliest offset still in the partition");
    endOffsets =
        gauge(
            registry,
            "fraud.topic.end.offset",
            "Last stable offset: the end of the partition for read_committed consumers");
    recordsPerSecond =
        gauge(
            registry,
            "fraud.topic.records.per.second",
            "Growth of the topic's end offsets per second over the rate window (transaction"
                + " markers and aborted records count as one each)");
    alertsPerSecond =
        gauge(
            registry,
            "fraud.alerts.per.second",
            "Committed alerts per second over the rate window, counted record by record"
                + " (read_committed: no transaction markers, no aborted alerts)");
    lagRecords =
        gauge(
            registry,
            "fraud.consumer.lag.records",
            "Records of the partition the fraud job's consumer group has still to read");
    lagSeconds =
        gauge(
            registry,
            "fraud.consumer.lag.seconds",
            "Estimated age of the oldest record of the partition the group has not read");
    groupLagRecords =
        gauge(
            registry,
            "fraud.consumer.lag.group.records",
            "Records the fraud job's consumer group has still to read, all partitions");
    groupLagSeconds =
        gauge(
            registry,
            "fraud.consumer.lag.group.seconds",
            "Estimated age of the oldest record the group has not read, all partitions");
    lagStatus =
        gauge(
            registry,
            "fraud.consumer.lag.status",
            "1 for the group's current lag status (OK, LAGGING, STALLED, UNKNOWN), 0 for the others");
  }

  private static LiveMultiGauge gauge(MeterRegistry registry, String name, String description) {
    return new LiveMultiGauge(registry, name, description);
  }

  @Override
  public void onObservation(OffsetsObservation observation) {
    Map<Tags, Number> starts = new LinkedHashMap<>();
    Map<Tags, Number> ends = new LinkedHashMap<>();
    Map<Tags, Number> rates = new LinkedHashMap<>();
    Map<Tags, Number> alerts = new LinkedHashMap<>();
    for (TopicOffsets topic : observation.topics()) {
      if (!topic.exists()) {
        continue;
      }
      rates.put(Tags.of("topic", topic.name()), topic.recordsPerSecond());
      for (PartitionOffsets p : topic.partitions()) {
        Tags tags = Tags.of("topic", topic.name(), "partition", Integer.toString(p.partition()));
        starts.put(tags, p.earliestOffset());
        ends.put(tags, p.lastStableOffset());
      }
    }
    if (observation.alertsPerSecond() != null) {
      alerts.put(Tags.empty(), observation.alertsPerSecond());
    }
    startOffsets.set(starts);
    endOffsets.set(ends);
    recordsPerSecond.set(rates);
    alertsPerSecond.set(alerts);

    ConsumerLag lag = observation.lag();
    Tags group = Tags.of("group", lag.groupId(), "topic", lag.topic());
    Map<Tags, Number> records = new LinkedHashMap<>();
    Map<Tags, Number> seconds = new LinkedHashMap<>();
    boolean anyCommitted = false;
    for (PartitionLag p : lag.partitions()) {
      if (p.lagRecords() == null) {
        continue;
      }
      anyCommitted = true;
      Tags tags = group.and("partition", Integer.toString(p.partition()));
      records.put(tags, p.lagRecords());
      if (p.lagSeconds() != null) {
        seconds.put(tags, p.lagSeconds());
      }
    }
    lagRecords.set(records);
    lagSeconds.set(seconds);
    groupLagRecords.set(anyCommitted ? Map.of(group, lag.lagRecords()) : Map.of());
    groupLagSeconds.set(lag.lagSeconds() != null ? Map.of(group, lag.lagSeconds()) : Map.of());
    Map<Tags, Number> statuses = new LinkedHashMap<>();
    for (LagStatus status : LagStatus.values()) {
      statuses.put(group.and("status", status.name()), status == lag.status() ? 1 : 0);
    }
    lagStatus.set(statuses);
  }
}
