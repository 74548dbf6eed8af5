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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
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

  @Bean(destroyMethod = "close")
  WebhookDispatcher webhookDispatcher(WebhooksProperties properties, MeterRegistry meters) {
    // Never follows redirects (the default): a signed event goes only where it was configured to.
    HttpClient http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    return new WebhookDispatcher(properties, http, Clock.systemUTC(), meters);
  }

  @Bean
  EventRecorder eventRecorder(
      ObjectProvider<Leadership> leadership,
      EventMetrics metrics,
      EventLogWriter writer,
      WebhookDispatcher webhooks) {
    return new KafkaEventRecorder(leadership, metrics, writer, webhooks, Clock.systemUTC());
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
