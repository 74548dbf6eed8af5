package io.fraudpipeline.control.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.control.support.WebhookReceiver;
import io.fraudpipeline.embedded.LocalKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook deliveries from the event topic on a real broker to a real HTTP receiver: the dispatchers
 * here are replicas' (two of them share a receiver's consumer group), the topic is the outbox.
 */
class WebhookDeliveryTest {

  private static final String SECRET = "whsec-" + UUID.randomUUID();

  private final LocalKafka kafka = TestKafka.broker();
  private final String topic = "webhook-delivery-" + UUID.randomUUID();
  private final List<AutoCloseable> open = new ArrayList<>();
  private WebhookReceiver receiver;
  private KafkaProducer<String, byte[]> producer;

  @BeforeEach
  void start() {
    kafka.createTopic(topic, 1, Map.of());
    receiver = WebhookReceiver.start();
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    Closing.inOrder(producer, receiver);
  }

  @Test
  void whenTheDeliveringReplicaDiesTheOtherSendsTheRestFromTheEventInFlight() {
    Replica first = replica(Duration.ofHours(24));
    append(warning("job-1", Instant.now()));
    awaitReceived("job-1");
    // Joins while the first delivers: the partition stays where it is (sticky).
    Replica second = replica(Duration.ofHours(24));
    receiver.hold("job-4");
    List<String> sent = new ArrayList<>(List.of(receivedIds("job-1").get(0)));
    for (int i = 2; i <= 8; i++) {
      sent.add(append(warning("job-" + i, Instant.now())));
    }
    awaitReceived("job-4");
    // Events 4 to 8 are not done with: the one in flight and the four behind it.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> first.meters().get("fraud.webhooks.backlog").gauge().value() == 5);
    assertThat(first.meters().get("fraud.webhooks.oldest.undelivered.age").gauge().value())
        .isPositive();
    assertThat(second.meters().get("fraud.webhooks.backlog").gauge().value()).isZero();

    // Closed without committing the event in flight, as a replica that dies mid-delivery.
    first.dispatcher().stop();
    receiver.release("job-4");

    await().atMost(Duration.ofSeconds(60)).until(() -> distinct(receiver.all()).size() == 8);
    assertThat(distinct(receiver.all())).containsExactlyElementsOf(sent);
    assertThat(receiver.about("job-4")).as("the event in flight, sent again").hasSize(2);
    for (String job : List.of("job-1", "job-2", "job-3", "job-5", "job-6", "job-7", "job-8")) {
      assertThat(receiver.about(job)).as(job).hasSize(1);
    }
    assertThat(deliveries(first, "delivered")).isEqualTo(3);
    assertThat(deliveries(second, "delivered")).isEqualTo(5);
  }

  @Test
  void aRefusedEventIsNotTriedAgainAndTheNextOneFollows() {
    Replica replica = replica(Duration.ofHours(24));
    receiver.answer("job-refused", 400);
    append(warning("job-refused", Instant.now()));
    append(warning("job-next", Instant.now()));

    awaitReceived("job-next");

    assertThat(receiver.about("job-refused")).hasSize(1);
    assertThat(deliveries(replica, "refused")).isEqualTo(1);
    assertThat(replica.meters().get("fraud.webhooks.retries").counter().count()).isZero();
  }

  @Test
  void anEventOlderThanMaxAgeIsCountedExpiredAndNotSent() {
    Replica replica = replica(Duration.ofHours(1));
    append(warning("job-fresh", Instant.now()));
    awaitReceived("job-fresh");

    // Found in the topic after a long outage of the receiver, or of every replica.
    append(warning("job-old", Instant.now().minus(Duration.ofHours(2))));
    append(warning("job-after", Instant.now()));

    awaitReceived("job-after");
    assertThat(receiver.about("job-old")).isEmpty();
    assertThat(deliveries(replica, "expired")).isEqualTo(1);
  }

  @Test
  void aNewReceiverStartsWithTheLastMinutesNotTheTopicsHistoryAndOnlyWithItsTypes() {
    append(warning("job-last-week", Instant.now().minus(Duration.ofDays(7))));
    append(warning("job-a-minute-ago", Instant.now().minus(Duration.ofMinutes(1))));
    append(
        new PipelineEvent(
            UUID.randomUUID().toString(),
            Instant.now(),
            PipelineEvent.Type.NORMAL,
            EventReason.JOB_DEPLOYED,
            "deployed",
            "job-normal",
            "replica-a"));
    append(warning("job-now", Instant.now()));

    Replica replica = replica(Duration.ofDays(30));

    awaitReceived("job-now");
    assertThat(receiver.all())
        .extracting(WebhookReceiver.Request::jobId)
        .containsExactly("job-a-minute-ago", "job-now");
  }

  private record Replica(WebhookDispatcher dispatcher, SimpleMeterRegistry meters) {}

  private Replica replica(Duration maxAge) {
    WebhooksProperties properties =
        new WebhooksProperties(
            List.of(URI.create(receiver.url())),
            SECRET,
            Set.of(PipelineEvent.Type.WARNING),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            // Longer than the test holds a request: the event in flight is not tried again.
            Duration.ofSeconds(30),
            maxAge,
            Duration.ofMinutes(5));
    Map<String, Object> config =
        EventsConfiguration.webhookConsumerConfig(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WebhookDispatcher dispatcher =
        new WebhookDispatcher(
            properties,
            topic,
            group -> {
              Map<String, Object> member = new HashMap<>(config);
              member.put(ConsumerConfig.GROUP_ID_CONFIG, group);
              return new KafkaConsumer<>(
                  member, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            },
            new WebhookSender(
                new WebhookSigner(SECRET),
                HttpClient.newHttpClient(),
                properties.timeout(),
                Clock.systemUTC()),
            Clock.systemUTC(),
            new WebhookMetrics(meters),
            Duration.ofSeconds(10));
    dispatcher.start();
    open.add(dispatcher::stop);
    return new Replica(dispatcher, meters);
  }

  private static PipelineEvent warning(String jobId, Instant time) {
    return new PipelineEvent(
        UUID.randomUUID().toString(),
        time,
        PipelineEvent.Type.WARNING,
        EventReason.JOB_UNHEALTHY,
        "unhealthy",
        jobId,
        "replica-a");
  }

  /** Appended as the event log writes it; returns its id. */
  private String append(PipelineEvent event) {
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic, null, event.time().toEpochMilli(), event.id(), EventJson.write(event)))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return event.id();
  }

  private void awaitReceived(String jobId) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.about(jobId).isEmpty());
  }

  private List<String> receivedIds(String jobId) {
    return receiver.about(jobId).stream().map(WebhookReceiver.Request::eventId).toList();
  }

  private static List<String> distinct(List<WebhookReceiver.Request> requests) {
    Set<String> ids = new LinkedHashSet<>();
    requests.forEach(r -> ids.add(r.eventId()));
    return List.copyOf(ids);
  }

  private static double deliveries(Replica replica, String outcome) {
    return replica
        .meters()
        .get("fraud.webhooks.deliveries")
        .tag("outcome", outcome)
        .counter()
        .count();
  }
}
