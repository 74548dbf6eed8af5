package io.fraudpipeline.control.leadership;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Tells, from the consumer's own metrics, when the group coordinator last accepted a heartbeat of
 * this member. The classic consumer heartbeats on a thread of its own and exposes no callback, but
 * it counts every successful heartbeat response ({@code heartbeat-total}: a response without error,
 * so the coordinator still had this member in the current generation) and records its round trip
 * ({@code heartbeat-response-time-max}). A count that grew between two checks means a heartbeat was
 * accepted after it was sent, and it was sent no earlier than the previous check minus the longest
 * round trip: that lower bound is what the {@link Lease} may be renewed from.
 */
final class HeartbeatWitness {

  private static final String GROUP = "consumer-coordinator-metrics";

  private final Metric count;
  private final Metric maxRoundTripMs;
  private double lastCount = Double.NaN;
  private long lastCheck;

  HeartbeatWitness(Map<MetricName, ? extends Metric> consumerMetrics) {
    this.count = find(consumerMetrics, "heartbeat-total");
    this.maxRoundTripMs = find(consumerMetrics, "heartbeat-response-time-max");
  }

  /**
   * One check, after a poll.
   *
   * @param now the nanoTime of this check
   * @return a nanoTime no later than the sending of a heartbeat the coordinator accepted since the
   *     previous check; empty if none was accepted
   */
  OptionalLong check(long now) {
    double current = value(count);
    double roundTrip = value(maxRoundTripMs);
    double previousCount = lastCount;
    long previousCheck = lastCheck;
    lastCount = current;
    lastCheck = now;
    if (Double.isNaN(previousCount) || !(current > previousCount) || Double.isNaN(roundTrip)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(previousCheck - (long) Math.ceil(roundTrip * 1_000_000));
  }

  private static double value(Metric metric) {
    return metric.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static Metric find(Map<MetricName, ? extends Metric> metrics, String name) {
    return metrics.entrySet().stream()
        .filter(e -> e.getKey().group().equals(GROUP) && e.getKey().name().equals(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The Kafka consumer has no metric "
                        + GROUP
                        + "/"
                        + name
                        + ": leadership needs the classic group protocol"));
  }
}
