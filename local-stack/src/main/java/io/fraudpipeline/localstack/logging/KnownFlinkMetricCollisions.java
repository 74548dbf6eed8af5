package io.fraudpipeline.localstack.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

/**
 * Drops Flink's "Name collision" warnings for the metric names its Kafka sinks register twice, and
 * only those: every checkpoint of an exactly-once job re-registers each committer's {@code
 * pendingCommittables} gauge (FLINK-35321, open upstream), and each sink writer's {@code
 * currentSendTime} collides once as it starts. With the fraud job's four sinks at parallelism 2
 * that was eight warnings on the local stack's console every checkpoint (10 s), burying the ones
 * that matter. A collision of any other name, such as one of the job's own metrics, still shows.
 */
public final class KnownFlinkMetricCollisions extends TurboFilter {

  /** Flink's metric groups log through this logger ({@code AbstractMetricGroup#addMetric}). */
  static final String LOGGER = "org.apache.flink.metrics.MetricGroup";

  static final List<String> NAMES = List.of("pendingCommittables", "currentSendTime");

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null
        || level != Level.WARN
        || !LOGGER.equals(logger.getName())
        || !format.startsWith("Name collision")) {
      return FilterReply.NEUTRAL;
    }
    for (String name : NAMES) {
      if (format.contains("'" + name + "'")) {
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }
}
