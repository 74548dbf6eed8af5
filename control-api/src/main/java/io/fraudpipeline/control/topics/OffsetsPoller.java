package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.kafka.KafkaCauses;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.scheduling.PeriodicTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The one background poller of topic offsets and consumer lag. Every poll interval it samples Kafka
 * once; its latest {@link OffsetsObservation} answers REST reads, metrics and the {@code lag}
 * health component, so no request ever calls Kafka for offsets. When Kafka does not answer, the
 * observation says so (never the last good numbers). Topics missing once Kafka answers are created
 * through {@link KafkaAdmin}, e.g. when Kafka was down while the control plane started.
 */
@Component
public class OffsetsPoller implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OffsetsPoller.class);

  private final KafkaAdmin kafkaAdmin;
  private final ReadCommittedConsumers consumers;
  private final boolean autoCreateTopics;
  private final LagProperties properties;
  private final List<String> topics;
  private final String lagTopic;
  private final String alertsTopic;
  private final ObjectProvider<OffsetsListener> listeners;
  private final Clock clock;
  private final LagTracker tracker;
  private volatile OffsetsObservation latest;
  private Instant lastReachableAt;
  private boolean reportedUnreachable;
  private PeriodicTask polling;
  private Admin admin;
  private Consumer<byte[], byte[]> gapReader;
  private KafkaOffsetsReader reader;

  public OffsetsPoller(
      KafkaAdmin kafkaAdmin,
      KafkaProperties kafkaProperties,
      ReadCommittedConsumers consumers,
      TopicsProperties topicsProperties,
      LagProperties properties,
      ObjectProvider<OffsetsListener> listeners) {
    this.kafkaAdmin = kafkaAdmin;
    this.consumers = consumers;
    this.autoCreateTopics = kafkaProperties.getAdmin().isAutoCreate();
    this.properties = properties;
    this.topics =
        List.of(
            topicsProperties.transactions(),
            topicsProperties.fraudAlerts(),
            topicsProperties.fraudAlertsShadow(),
            topicsProperties.transactionsDlq(),
            topicsProperties.fraudRules());
    this.lagTopic = topicsProperties.transactions();
    this.alertsTopic = topicsProperties.fraudAlerts();
    this.listeners = listeners;
    this.clock = Clock.systemUTC();
    this.tracker = new LagTracker(properties.groupId(), lagTopic, properties);
    this.latest =
        OffsetsObservation.unreachable(
            clock.instant(),
            "Kafka has not been sampled yet",
            null,
            properties.groupId(),
            lagTopic);
  }

  /** The latest observation; before the first sample, one that says Kafka was not sampled yet. */
  public OffsetsObservation current() {
    return latest;
  }

  /** The consumer group whose lag is tracked. */
  public String groupId() {
    return properties.groupId();
  }

  void sample() {
    Instant now = clock.instant();
    OffsetsObservation observation;
    try {
      observation = tracker.update(reader.read(now));
      if (lastReachableAt == null || reportedUnreachable) {
        log.info(
            "Kafka answers: sampling offsets of {} every {}", topics, properties.pollInterval());
      }
      reportedUnreachable = false;
      lastReachableAt = now;
      createMissingTopics(observation);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      String error = KafkaCauses.describe(e);
      if (!reportedUnreachable) {
        log.warn("Kafka is unreachable: {}", error);
        reportedUnreachable = true;
      }
      observation =
          OffsetsObservation.unreachable(
              now, error, lastReachableAt, properties.groupId(), lagTopic);
    }
    latest = observation;
    for (OffsetsListener listener : listeners) {
      try {
        listener.onObservation(observation);
      } catch (RuntimeException e) {
        log.warn("Offsets listener {} failed", listener, e);
      }
    }
  }

  private void createMissingTopics(OffsetsObservation observation) {
    if (autoCreateTopics && observation.topics().stream().anyMatch(t -> !t.exists())) {
      try {
        kafkaAdmin.initialize();
      } catch (RuntimeException e) {
        log.warn("Creating the missing pipeline topics failed: {}", KafkaCauses.describe(e));
      }
    }
  }

  @Override
  public synchronized void start() {
    if (polling != null) {
      return;
    }
    Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "control-api-offsets");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
    config.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) properties.requestTimeout().toMillis());
    config.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) properties.requestTimeout().toMillis());
    admin = Admin.create(config);
    gapReader = consumers.create("control-api-lag", properties.requestTimeout());
    reader =
        new KafkaOffsetsReader(
            admin,
            gapReader,
            topics,
            lagTopic,
            alertsTopic,
            properties.groupId(),
            properties.requestTimeout(),
            properties.exactCountMaxGap());
    // A sample in flight is waited for before the clients it uses are closed.
    polling =
        new PeriodicTask(
            "offsets-poller",
            this::sampleQuietly,
            properties.pollInterval(),
            properties.requestTimeout().plusSeconds(2));
    polling.start();
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      log.warn("Sampling offsets failed", e);
    }
  }

  @Override
  public synchronized void stop() {
    if (polling == null) {
      return;
    }
    if (!polling.stop()) {
      log.warn("The offsets poller did not stop in time");
    }
    polling = null;
    try {
      gapReader.close(CloseOptions.timeout(Duration.ofSeconds(2)));
      admin.close(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      log.warn("Closing the offsets poller's Kafka clients failed: {}", KafkaCauses.describe(e));
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return polling != null;
  }
}
