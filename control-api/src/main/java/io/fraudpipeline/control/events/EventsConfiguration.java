package io.fraudpipeline.control.events;

import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicTail;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.sse.SseFanOut;
import io.fraudpipeline.control.sse.StreamEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The event log, its followers and the webhooks, built from Boot's Kafka settings. */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

  private static final String CLIENT_ID = "control-api-events";

  @Bean(destroyMethod = "close")
  EventLogWriter eventLogWriter(
      TopicsProperties topics,
      EventsProperties properties,
      Admin admin,
      KafkaProperties kafka,
      MeterRegistry meters) {
    // One partition: the order of events is total, and the same on every replica. Deleted, not
    // compacted: every event has its own id, and old ones simply expire.
    NewTopic topic =
        new NewTopic(topics.events(), 1, topics.replicationFactor())
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    String.valueOf(properties.retention().toMillis())));
    int timeout = (int) properties.kafkaTimeout().toMillis();
    Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
    producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
    producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout / 2);
    producer.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    EventLogWriter writer =
        new EventLogWriter(
            topic, admin, producer, properties.kafkaTimeout(), properties.writeQueue(), meters);
    writer.start();
    return writer;
  }

  @Bean
  WebhookDispatcher webhookDispatcher(
      WebhooksProperties properties,
      TopicsProperties topics,
      EventsProperties events,
      KafkaProperties kafka,
      MeterRegistry meters) {
    WebhookSender sender = null;
    if (properties.enabled()) {
      // Never follows redirects (the default): a signed event goes only where it was configured to.
      HttpClient http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
      sender =
          new WebhookSender(
              new WebhookSigner(properties.secret()),
              http,
              properties.timeout(),
              Clock.systemUTC());
    }
    Map<String, Object> common = webhookConsumerConfig(kafka.buildConsumerProperties());
    return new WebhookDispatcher(
        properties,
        topics.events(),
        group -> {
          Map<String, Object> config = new HashMap<>(common);
          config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
          config.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
          return new KafkaConsumer<>(
              config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        },
        sender,
        Clock.systemUTC(),
        new WebhookMetrics(meters),
        events.kafkaTimeout());
  }

  /** The settings of a webhook receiver's consumer, a member of that receiver's group. */
  static Map<String, Object> webhookConsumerConfig(Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    // Static membership would keep a dead replica's partition for a whole session.
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
    config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    // Sticky: a replica that joins does not take the partition from the one delivering (which
    // would send its event in flight a second time).
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    // A replica that dies hands its receivers over after 10 s, not Kafka's default 45 s.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Only when the committed offset's events were deleted by retention: the oldest still kept.
    // A receiver seen for the first time starts near now (WebhookDelivery).
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // The event topic is created by the first event written: find it soon after.
    config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
    config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
    return config;
  }

  @Bean
  EventRecorder eventRecorder(
      ObjectProvider<Leadership> leadership, EventMetrics metrics, EventLogWriter writer) {
    return new KafkaEventRecorder(leadership, metrics, writer, Clock.systemUTC());
  }

  @Bean
  EventFollower eventFollower(
      ReadCommittedConsumers consumers, TopicsProperties topics, EventsProperties properties) {
    TopicTail tail =
        new TopicTail(
            consumers.create(CLIENT_ID + "-reader", properties.kafkaTimeout()),
            topics.events(),
            properties.kafkaTimeout());
    return new EventFollower(
        tail,
        topics.events(),
        new EventBuffer(properties.bufferSize()),
        new SseFanOut<PipelineEvent>(
            "events",
            properties.maxSubscribers(),
            properties.streamTimeout(),
            properties.subscriberQueue(),
            event -> new StreamEvent(event.id(), "event", EventJson.writeString(event))),
        properties);
  }
}
