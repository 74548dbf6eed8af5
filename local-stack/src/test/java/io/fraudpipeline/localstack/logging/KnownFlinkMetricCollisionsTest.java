package io.fraudpipeline.localstack.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.NoOpMetricRegistry;
import org.apache.flink.runtime.metrics.groups.GenericMetricGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KnownFlinkMetricCollisionsTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final KnownFlinkMetricCollisions filter = new KnownFlinkMetricCollisions();

  @BeforeEach
  void listen() {
    logged.setContext(context);
    logged.start();
    context.getLogger(KnownFlinkMetricCollisions.LOGGER).addAppender(logged);
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
  }

  @AfterEach
  void stopListening() {
    context.getTurboFilterList().remove(filter);
    context.getLogger(KnownFlinkMetricCollisions.LOGGER).detachAppender(logged);
  }

  @Test
  void dropsTheCollisionsOfTheKafkaSinksMetricsAsFlinkLogsThem() {
    GenericMetricGroup group = sinkGroup();
    for (String name : KnownFlinkMetricCollisions.NAMES) {
      group.gauge(name, () -> 1);
      group.gauge(name, () -> 2); // what the committer does at every checkpoint
    }

    assertThat(logged.list).isEmpty();
  }

  @Test
  void keepsTheCollisionsOfAnyOtherMetric() {
    GenericMetricGroup group = sinkGroup();
    group.counter("rule_evaluations", new SimpleCounter());
    group.counter("rule_evaluations", new SimpleCounter());

    assertThat(logged.list)
        .singleElement()
        .extracting(ILoggingEvent::getFormattedMessage)
        .asString()
        .startsWith("Name collision")
        .contains("'rule_evaluations'");
  }

  @Test
  void keepsOtherWarningsOfThatLogger() {
    Logger metricGroups = context.getLogger(KnownFlinkMetricCollisions.LOGGER);
    metricGroups.warn(
        "Ignoring attempted registration of a metric due to being null for name {}.",
        "pendingCommittables");

    assertThat(logged.list).hasSize(1);
  }

  /** A real Flink metric group, which logs collisions as a sink's does. */
  private static GenericMetricGroup sinkGroup() {
    return new GenericMetricGroup(NoOpMetricRegistry.INSTANCE, null, "alerts-sink");
  }
}
