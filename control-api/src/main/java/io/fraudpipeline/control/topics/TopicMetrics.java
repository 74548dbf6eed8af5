package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.kafka.TopicsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Offsets, lag and rates as Micrometer gauges, refreshed from every poller sample (docs/metrics.md
 * lists them). Tags are bounded: four topics, their partitions, one group, four statuses. When
 * Kafka is unreachable the offset and lag series disappear rather than repeat stale numbers, and
 * the status is UNKNOWN.
 */
@Component
class TopicMetrics implements OffsetsListener {

  private final String alertsTopic;
  private final MultiGauge startOffsets;
  private final MultiGauge endOffsets;
  private final MultiGauge recordsPerSecond;
  private final MultiGauge alertsPerSecond;
  private final MultiGauge lagRecords;
  private final MultiGauge lagSeconds;
  private final MultiGauge groupLagRecords;
  private final MultiGauge groupLagSeconds;
  private final MultiGauge lagStatus;

  TopicMetrics(MeterRegistry registry, TopicsProperties topics) {
    this.alertsTopic = topics.fraudAlerts();
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
            "Growth of the topic's end offsets per second over the rate window");
    alertsPerSecond =
        gauge(
            registry,
            "fraud.alerts.per.second",
            "Committed alerts per second, from the growth of the alerts topic's end offsets");
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

  private static MultiGauge gauge(MeterRegistry registry, String name, String description) {
    return MultiGauge.builder(name).description(description).register(registry);
  }

  @Override
  public void onObservation(OffsetsObservation observation) {
    List<MultiGauge.Row<?>> starts = new ArrayList<>();
    List<MultiGauge.Row<?>> ends = new ArrayList<>();
    List<MultiGauge.Row<?>> rates = new ArrayList<>();
    List<MultiGauge.Row<?>> alerts = new ArrayList<>();
    for (TopicOffsets topic : observation.topics()) {
      if (!topic.exists()) {
        continue;
      }
      rates.add(MultiGauge.Row.of(Tags.of("topic", topic.name()), topic.recordsPerSecond()));
      if (topic.name().equals(alertsTopic)) {
        alerts.add(MultiGauge.Row.of(Tags.empty(), topic.recordsPerSecond()));
      }
      for (PartitionOffsets p : topic.partitions()) {
        Tags tags = Tags.of("topic", topic.name(), "partition", Integer.toString(p.partition()));
        starts.add(MultiGauge.Row.of(tags, p.earliestOffset()));
        ends.add(MultiGauge.Row.of(tags, p.lastStableOffset()));
      }
    }
    startOffsets.register(starts, true);
    endOffsets.register(ends, true);
    recordsPerSecond.register(rates, true);
    alertsPerSecond.register(alerts, true);

    ConsumerLag lag = observation.lag();
    Tags group = Tags.of("group", lag.groupId(), "topic", lag.topic());
    List<MultiGauge.Row<?>> records = new ArrayList<>();
    List<MultiGauge.Row<?>> seconds = new ArrayList<>();
    boolean anyCommitted = false;
    for (PartitionLag p : lag.partitions()) {
      if (p.lagRecords() == null) {
        continue;
      }
      anyCommitted = true;
      Tags tags = group.and("partition", Integer.toString(p.partition()));
      records.add(MultiGauge.Row.of(tags, p.lagRecords()));
      if (p.lagSeconds() != null) {
        seconds.add(MultiGauge.Row.of(tags, p.lagSeconds()));
      }
    }
    lagRecords.register(records, true);
    lagSeconds.register(seconds, true);
    groupLagRecords.register(
        anyCommitted ? List.of(MultiGauge.Row.of(group, lag.lagRecords())) : List.of(), true);
    groupLagSeconds.register(
        lag.lagSeconds() != null ? List.of(MultiGauge.Row.of(group, lag.lagSeconds())) : List.of(),
        true);
    List<MultiGauge.Row<?>> statuses = new ArrayList<>();
    for (LagStatus status : LagStatus.values()) {
      statuses.add(
          MultiGauge.Row.of(group.and("status", status.name()), status == lag.status() ? 1 : 0));
    }
    lagStatus.register(statuses, true);
  }
}
