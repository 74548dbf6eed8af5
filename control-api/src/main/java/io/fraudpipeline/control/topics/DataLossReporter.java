package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.leadership.Leadership;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * Tells of records lost to retention as the poller finds them: a counter of lost records (each
 * counted once, so it is a true counter) on every replica, and one warning event per new loss from
 * the replica that leads (every replica samples the same offsets; one event is enough).
 */
@Component
class DataLossReporter implements OffsetsListener {

  private final MeterRegistry registry;
  private final EventRecorder events;
  private final Leadership leadership;

  DataLossReporter(MeterRegistry registry, EventRecorder events, Leadership leadership) {
    this.registry = registry;
    this.events = events;
    this.leadership = leadership;
  }

  @Override
  public void onObservation(OffsetsObservation observation) {
    ConsumerLag lag = observation.lag();
    // A series for every partition from the start, so increase() sees the first loss.
    lag.partitions().forEach(p -> counter(lag, p.partition()));
    if (lag.newlyLost().isEmpty()) {
      return;
    }
    Map<Integer, Long> newly = new TreeMap<>(lag.newlyLost());
    newly.forEach((partition, records) -> counter(lag, partition).increment(records));
    if (leadership.isLeader()) {
      long total = newly.values().stream().mapToLong(Long::longValue).sum();
      events.warning(
          EventReason.DATA_LOSS,
          total
              + " records of "
              + lag.topic()
              + " were deleted by retention before the fraud job's group "
              + lag.groupId()
              + " read them (by partition: "
              + newly
              + "); they raise no alerts",
          null);
    }
  }

  private Counter counter(ConsumerLag lag, int partition) {
    return Counter.builder("fraud.consumer.lag.records.lost")
        .description("Records deleted by retention before the fraud job's consumer group read them")
        .tags(
            "group", lag.groupId(), "topic", lag.topic(), "partition", Integer.toString(partition))
        .register(registry);
  }
}
