package io.fraudpipeline.control.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.Ports;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.control.support.WebhookReceiver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Two control-plane replicas on one real broker: events recorded on one are listed and streamed by
 * the other, counted once, and pushed (warnings only) to a real HTTP receiver by the recording
 * replica alone, signed with a secret that no log line ever shows.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsApiTest {

  private static final String PREFIX = "events-api";
  private static final String SECRET = "whsec-" + UUID.randomUUID();

  /** A port nothing listens on: the receiver there refuses connections. */
  private static final int REFUSED_PORT = Ports.free();

  /** Carried in the query of a receiver URL that refuses connections: it must not be logged. */
  private static final String URL_TOKEN = "urltoken-" + UUID.randomUUID();

  private static WebhookReceiver receiver;
  private static ControlPlane recording;
  private static ControlPlane other;

  @BeforeAll
  static void start() {
    receiver = WebhookReceiver.start();
    String bootstrap = TestKafka.broker().bootstrapServers();
    Map<String, Object> recordingSettings = settings("a");
    recordingSettings.put(
        "fraud.webhooks.urls",
        receiver.url() + ",http://127.0.0.1:" + REFUSED_PORT + "/refused?token=" + URL_TOKEN);
    recordingSettings.put("fraud.webhooks.secret", SECRET);
    recordingSettings.put("fraud.webhooks.initial-backoff", "200ms");
    recordingSettings.put("fraud.webhooks.max-backoff", "1s");
    recordingSettings.put("fraud.webhooks.timeout", "2s");
    recording = ControlPlane.start("http://127.0.0.1:9", bootstrap, recordingSettings);
    other = ControlPlane.start("http://127.0.0.1:9", bootstrap, settings("b"));
  }

  private static Map<String, Object> settings(String replica) {
    Map<String, Object> settings = new HashMap<>();
    for (String topic :
        List.of(
            "transactions",
            "fraud-alerts",
            "transactions-dlq",
            "fraud-rules",
            "rules-history",
            "savepoints",
            "operations",
            "events")) {
      settings.put("fraud.topics." + topic, PREFIX + "-" + topic);
    }
    settings.put("fraud.lag.group-id", PREFIX + "-fraud-job");
    settings.put("fraud.events.poll-interval", "100ms");
    settings.put("fraud.events.heartbeat-interval", "1s");
    settings.put("fraud.events.max-limit", "20");
    // Every line the event log and the webhooks may write, so the secret test sees them all.
    settings.put("logging.level.io.fraudpipeline.control.events", "DEBUG");
    return settings;
  }

  @AfterAll
  static void stop() throws Exception {
    Closing.inOrder(other, recording, receiver);
  }

  @Test
  @Order(1)
  void eventsRecordedOnOneReplicaAreListedNewestFirstByEveryReplica() {
    String job = newJobId();
    EventRecorder recorder = recording.bean(EventRecorder.class);
    recorder.normal(EventReason.JOB_DEPLOYED, "deployed at parallelism 2", job);
    recorder.warning(EventReason.JOB_FAILED, "the job failed: boom", job);
    recorder.normal(EventReason.JOB_RESTARTED, "restarted (1 of 3)", job);

    JsonNode listed = awaitEvents(other.api(), "?job_id=" + job, 3);

    assertThat(reasons(listed))
        .containsExactly(
            EventReason.JOB_RESTARTED, EventReason.JOB_FAILED, EventReason.JOB_DEPLOYED);
    JsonNode failed = listed.path("events").get(1);
    assertThat(failed.path("type").asString()).isEqualTo("warning");
    assertThat(failed.path("message").asString()).isEqualTo("the job failed: boom");
    assertThat(failed.path("job_id").asString()).isEqualTo(job);
    assertThat(failed.path("replica").asString())
        .isEqualTo(recording.bean(Leadership.class).replicaId());
    assertThat(failed.path("id").asString()).isNotBlank();
    assertThat(listed.path("events").get(2).path("type").asString()).isEqualTo("normal");
    assertThat(listed.path("topic").asString()).isEqualTo(PREFIX + "-events");
    // The recording replica serves the same events, in the same order.
    assertThat(ids(awaitEvents(recording.api(), "?job_id=" + job, 3))).isEqualTo(ids(listed));

    assertThat(reasons(get(other.api(), "?job_id=" + job + "&type=warning")))
        .containsExactly(EventReason.JOB_FAILED);
    assertThat(reasons(get(other.api(), "?job_id=" + job + "&reason=JobDeployed")))
        .containsExactly(EventReason.JOB_DEPLOYED);
    String failedAt = failed.path("time").asString();
    assertThat(reasons(get(other.api(), "?job_id=" + job + "&since=" + failedAt)))
        .containsExactly(EventReason.JOB_RESTARTED, EventReason.JOB_FAILED);
    assertThat(reasons(get(other.api(), "?job_id=" + job + "&limit=1")))
        .containsExactly(EventReason.JOB_RESTARTED);
  }

  @Test
  @Order(2)
  void invalidParametersAreAProblemNamingEachOne() {
    ControlApiClient.Response response =
        other.api().get("/api/v1/events?limit=21&type=fatal&since=yesterday");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body().path("type").asString()).endsWith("/validation");
    List<String> fields = new ArrayList<>();
    response.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    assertThat(fields).containsExactlyInAnyOrder("limit", "type", "since");
    assertThat(other.api().get("/api/v1/events?limit=0").status()).isEqualTo(400);
    assertThat(other.api().get("/api/v1/events/stream?type=fatal").status()).isEqualTo(400);
    // A job id that cannot be one is refused as in the job endpoints' paths, not searched for.
    for (String path : List.of("/api/v1/events?job_id=xyz", "/api/v1/events/stream?job_id=xyz")) {
      ControlApiClient.Response badJob = other.api().get(path);
      assertThat(badJob.status()).as(badJob.toString()).isEqualTo(400);
      assertThat(badJob.body().path("errors").get(0).path("field").asString()).isEqualTo("job_id");
    }
  }

  @Test
  @Order(3)
  void theStreamOfAnotherReplicaSendsMatchingEventsRecordedAfterSubscribing() throws Exception {
    String job = newJobId();
    String unrelatedJob = newJobId();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpResponse<InputStream> stream = streamOf(job);
    Thread reader = readLines(stream.body(), lines);
    try {
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      awaitLine(lines, l -> l.startsWith(":")); // the subscription comment: the stream is open

      EventRecorder recorder = recording.bean(EventRecorder.class);
      recorder.normal(EventReason.JOB_REPLACED, "another job", unrelatedJob);
      recorder.normal(EventReason.JOB_REPLACED, "replaced at parallelism 3", job);

      String id = awaitLine(lines, l -> l.startsWith("id:"));
      String name = awaitLine(lines, l -> l.startsWith("event:"));
      String data = awaitLine(lines, l -> l.startsWith("data:"));
      JsonNode event = ApiClient.JSON.readTree(data.substring("data:".length()));
      assertThat(event.path("job_id").asString()).isEqualTo(job);
      assertThat(event.path("message").asString()).isEqualTo("replaced at parallelism 3");
      assertThat(event.path("reason").asString()).isEqualTo(EventReason.JOB_REPLACED);
      assertThat(id.substring("id:".length())).isEqualTo(event.path("id").asString());
      assertThat(name).isEqualTo("event:event");
      awaitLine(lines, l -> l.equals(":heartbeat"));
    } finally {
      stream.body().close();
      reader.interrupt();
    }
  }

  @Test
  @Order(3)
  void everySubscriberOfTheStreamReceivesAnEventByteForByteAlike() throws Exception {
    String job = newJobId();
    List<HttpResponse<InputStream>> streams = new ArrayList<>();
    List<BlockingQueue<String>> received = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        HttpResponse<InputStream> stream = streamOf(job);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        streams.add(stream);
        received.add(lines);
        readers.add(readLines(stream.body(), lines));
        awaitLine(lines, l -> l.startsWith(":")); // the subscription comment: the stream is open
      }

      recording.bean(EventRecorder.class).normal(EventReason.JOB_REPLACED, "seen by three", job);

      List<List<String>> frames = new ArrayList<>();
      for (BlockingQueue<String> lines : received) {
        frames.add(linesFromEventToHeartbeat(lines));
      }
      // id, event, data and the blank line that ends the event; nothing more before the heartbeat.
      assertThat(frames.get(0)).hasSize(4).last().isEqualTo("");
      assertThat(frames.get(1)).isEqualTo(frames.get(0));
      assertThat(frames.get(2)).isEqualTo(frames.get(0));
    } finally {
      for (HttpResponse<InputStream> stream : streams) {
        stream.body().close();
      }
      readers.forEach(Thread::interrupt);
    }
  }

  /** The lines of the next event, from its {@code id:} line up to the next heartbeat comment. */
  private static List<String> linesFromEventToHeartbeat(BlockingQueue<String> lines)
      throws InterruptedException {
    List<String> frame = new ArrayList<>();
    frame.add(awaitLine(lines, l -> l.startsWith("id:")));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (":heartbeat".equals(line)) {
        return frame;
      }
      if (line != null) {
        frame.add(line);
      }
    }
    throw new AssertionError("no heartbeat within 30 s after " + frame);
  }

  @Test
  @Order(3)
  void anEventWrittenTwiceToTheTopicIsListedStreamedAndSentOnce() throws Exception {
    String job = newJobId();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpResponse<InputStream> stream = streamOf(job);
    Thread reader = readLines(stream.body(), lines);
    try {
      awaitLine(lines, l -> l.startsWith(":")); // the subscription comment: the stream is open
      PipelineEvent twice = jobFailed(job, "written twice");
      PipelineEvent after = jobFailed(job, "written after it");
      // What EventLogWriter's retry of an event Kafka took but did not acknowledge in time leaves
      // in the topic: the same record, same id, twice.
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", TestKafka.broker().bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (PipelineEvent event : List.of(twice, twice, after)) {
          producer
              .send(new ProducerRecord<>(PREFIX + "-events", event.id(), EventJson.write(event)))
              .get();
        }
      }

      JsonNode listed = awaitEvents(other.api(), "?job_id=" + job, 2);
      assertThat(ids(listed)).containsExactly(after.id(), twice.id());
      assertThat(ids(get(recording.api(), "?job_id=" + job))).isEqualTo(ids(listed));
      List<String> streamed = new ArrayList<>();
      streamed.add(awaitLine(lines, l -> l.startsWith("id:")));
      streamed.add(awaitLine(lines, l -> l.startsWith("id:")));
      assertThat(streamed).containsExactly("id:" + twice.id(), "id:" + after.id());
      // The recording replica's webhook receiver gets it once too.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> receiver.about(job),
              r -> r.stream().anyMatch(q -> q.eventId().equals(after.id())));
      assertThat(receiver.about(job))
          .extracting(WebhookReceiver.Request::eventId)
          .containsExactly(twice.id(), after.id());
    } finally {
      stream.body().close();
      reader.interrupt();
    }
  }

  @Test
  @Order(4)
  void eventsAreCountedByTypeAndReasonOnTheRecordingReplicaOnly() {
    String job = newJobId();
    EventRecorder recorder = recording.bean(EventRecorder.class);
    recorder.warning(EventReason.RESTART_BUDGET_EXHAUSTED, "gave up after 3 restarts", job);
    recorder.warning(EventReason.RESTART_BUDGET_EXHAUSTED, "gave up again", job);
    recorder.normal("SomethingNobodyDefined", "a reason outside the vocabulary", job);
    awaitEvents(other.api(), "?job_id=" + job, 3);

    assertThat(counter(recording, "warning", EventReason.RESTART_BUDGET_EXHAUSTED)).isEqualTo(2.0);
    assertThat(counter(recording, "normal", EventReason.OTHER)).isEqualTo(1.0);
    // The other replica read the same events, and counts none of them: a sum over replicas is
    // right.
    assertThat(counter(other, "warning", EventReason.RESTART_BUDGET_EXHAUSTED)).isZero();
    assertThat(counter(other, "normal", EventReason.OTHER)).isZero();
    // Every reason of the vocabulary has a series before its first event.
    assertThat(counter(other, "warning", EventReason.LEADER_LOST)).isZero();
  }

  @Test
  @Order(5)
  void servesEveryMetricTheMetricsGuideListsForEventsAndWebhooks() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "metrics.md"));
    String heading = "## Events and webhooks";
    int start = docs.indexOf(heading);
    assertThat(start).as(heading + " in docs/metrics.md").isNotNegative();
    int end = docs.indexOf("\n## ", start + heading.length());
    Matcher row =
        Pattern.compile("(?m)^\\| `([a-z_]+)` \\|")
            .matcher(docs.substring(start, end < 0 ? docs.length() : end));
    List<String> documented = new ArrayList<>();
    while (row.find()) {
      documented.add(row.group(1));
    }
    String scrape = recording.api().get("/actuator/prometheus").raw().body();

    assertThat(documented).hasSizeGreaterThanOrEqualTo(5);
    assertThat(documented).allSatisfy(name -> assertThat(scrape).contains("\n" + name + "{"));
  }

  @Test
  @Order(6)
  void warningsReachTheWebhookSignedWithTheSecretAndNormalEventsDoNot() throws Exception {
    String job = newJobId();
    EventRecorder recorder = recording.bean(EventRecorder.class);
    recorder.normal(EventReason.JOB_DEPLOYED, "deployed", job);
    recorder.warning(EventReason.JOB_FAILED, "the job failed: out of memory", job);

    WebhookReceiver.Request request =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> receiver.about(job), r -> !r.isEmpty())
            .get(0);

    assertThat(request.status()).isEqualTo(204);
    assertThat(request.header("X-Fraud-Signature")).isEqualTo(expectedSignature(request.body()));
    JsonNode body = ApiClient.JSON.readTree(request.body());
    assertThat(body.path("reason").asString()).isEqualTo(EventReason.JOB_FAILED);
    assertThat(body.path("type").asString()).isEqualTo("warning");
    assertThat(body.path("message").asString()).isEqualTo("the job failed: out of memory");
    assertThat(request.header("X-Fraud-Event-Id")).isEqualTo(body.path("id").asString());
    assertThat(request.header("Content-Type")).startsWith("application/json");
    Instant sentAt = Instant.ofEpochSecond(Long.parseLong(request.header("X-Fraud-Timestamp")));
    assertThat(sentAt).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    // The webhook and the event log carry the same event.
    JsonNode listed = awaitEvents(other.api(), "?job_id=" + job + "&type=warning", 1);
    assertThat(listed.path("events").get(0).path("id").asString())
        .isEqualTo(body.path("id").asString());

    // The normal event was recorded first; the other replica, with no webhooks configured, sent
    // nothing either: one delivery in all.
    assertThat(receiver.about(job)).hasSize(1);
  }

  @Test
  @Order(7)
  void aReceiverThatFailsTwiceGetsTheEventOnTheThirdTryAfterGrowingWaits() throws Exception {
    String job = newJobId();
    receiver.failFirstTries(job, 2);

    recording.bean(EventRecorder.class).warning(EventReason.JOB_UNHEALTHY, "flapping", job);

    List<WebhookReceiver.Request> tries =
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(job), r -> r.size() >= 3);
    assertThat(tries).extracting(WebhookReceiver.Request::status).containsExactly(500, 500, 204);
    assertThat(tries)
        .extracting(r -> r.header("X-Fraud-Delivery-Attempt"))
        .containsExactly("1", "2", "3");
    assertThat(tries).extracting(WebhookReceiver.Request::body).containsOnly(tries.get(0).body());
    assertThat(tries.get(2).header("X-Fraud-Signature"))
        .isEqualTo(expectedSignature(tries.get(2).body()));
    // initial-backoff 200ms, then doubled.
    assertThat(Duration.between(tries.get(0).receivedAt(), tries.get(1).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(Duration.between(tries.get(1).receivedAt(), tries.get(2).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  @Order(8)
  void eachEventIsLoggedOnceAndTheSecretNeverAppearsInTheLog(CapturedOutput output) {
    String job = newJobId();
    String message = "leader changed " + UUID.randomUUID();

    recording.bean(EventRecorder.class).warning(EventReason.LEADER_ELECTED, message, job);

    await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.about(job).isEmpty());
    // The receiver that refuses connections is still trying the first warning of this class (it
    // holds back its own events only): every try fails and is logged, naming it by scheme, host and
    // port only.
    Pattern refusedTry =
        Pattern.compile(
            "Webhook of event [-0-9a-f]+ \\(\\w+\\) to http://127\\.0\\.0\\.1:"
                + REFUSED_PORT
                + " failed \\(.+\\), try \\d+ in ");
    await().atMost(Duration.ofSeconds(30)).until(() -> refusedTry.matcher(output.getAll()).find());
    awaitEvents(other.api(), "?job_id=" + job, 1);
    String log = output.getAll();
    assertThat(countOccurrences(log, "Event " + EventReason.LEADER_ELECTED + ": " + message))
        .as("logged by the recording replica, not by the one that read it")
        .isEqualTo(1);
    assertThat(log).doesNotContain(SECRET).doesNotContain(URL_TOKEN);
  }

  @Test
  @Order(9)
  void aReceiverDownLongerThanFiveTriesGetsEveryEventOnceAndInOrderWhenBack(CapturedOutput output) {
    String job = newJobId();
    receiver.down();
    try {
      EventRecorder recorder = recording.bean(EventRecorder.class);
      for (int i = 1; i <= 3; i++) {
        recorder.warning(EventReason.JOB_UNHEALTHY, "unhealthy " + i, job);
      }
      List<String> ids = ids(awaitEvents(other.api(), "?job_id=" + job, 3));
      Pattern triesLogged =
          Pattern.compile(
              "Webhook of event "
                  + ids.get(2)
                  + " (\\(\\w+\\) )?to "
                  + Pattern.quote(receiver.base())
                  + " ");
      // Down for longer than webhooks used to try: with these settings 5 tries within 2.4 s (the
      // fifth failure logged as the event given up), after which every event was dropped.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> triesLogged.matcher(output.getAll()).results().count() >= 5);
    } finally {
      receiver.up();
    }

    List<WebhookReceiver.Request> received =
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(job), r -> r.size() >= 3);
    assertThat(received)
        .extracting(r -> ApiClient.JSON.readTree(r.body()).path("message").asString())
        .containsExactly("unhealthy 1", "unhealthy 2", "unhealthy 3");
    assertThat(received).extracting(WebhookReceiver.Request::status).containsOnly(204);
    // The attempt header counts the tries of that event.
    assertThat(Integer.parseInt(received.get(0).header("X-Fraud-Delivery-Attempt")))
        .isGreaterThanOrEqualTo(6);
    assertThat(received.get(1).header("X-Fraud-Delivery-Attempt")).isEqualTo("1");
    List<String> oldestFirst = new ArrayList<>(ids(awaitEvents(other.api(), "?job_id=" + job, 3)));
    Collections.reverse(oldestFirst);
    assertThat(received)
        .extracting(WebhookReceiver.Request::eventId)
        .containsExactlyElementsOf(oldestFirst);
  }

  /** The other replica's event stream of {@code job}'s events, opened. */
  private static HttpResponse<InputStream> streamOf(String job)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(other.api().baseUrl() + "/api/v1/events/stream?job_id=" + job))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
  }

  /** A JobFailed warning about {@code job}, as a replica records it. */
  private static PipelineEvent jobFailed(String job, String message) {
    return new PipelineEvent(
        UUID.randomUUID().toString(),
        Instant.now(),
        PipelineEvent.Type.WARNING,
        EventReason.JOB_FAILED,
        message,
        job,
        "cp-test");
  }

  private static String newJobId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static JsonNode get(ControlApiClient api, String query) {
    ControlApiClient.Response response = api.get("/api/v1/events" + query);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }

  private static JsonNode awaitEvents(ControlApiClient api, String query, int count) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(api, query), body -> body.path("count").asInt() == count);
  }

  private static List<String> reasons(JsonNode listed) {
    List<String> reasons = new ArrayList<>();
    listed.path("events").forEach(e -> reasons.add(e.path("reason").asString()));
    return reasons;
  }

  private static List<String> ids(JsonNode listed) {
    List<String> ids = new ArrayList<>();
    listed.path("events").forEach(e -> ids.add(e.path("id").asString()));
    return ids;
  }

  /** The signature as a receiver computes it, with the JDK alone. */
  private static String expectedSignature(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static double counter(ControlPlane replica, String type, String reason) {
    String scrape = replica.api().get("/actuator/prometheus").raw().body();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("fraud_events_total{")
          && line.contains("type=\"" + type + "\"")
          && line.contains("reason=\"" + reason + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no fraud_events_total series for " + type + "/" + reason);
  }

  private static int countOccurrences(String text, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
    int count = 0;
    while (m.find()) {
      count++;
    }
    return count;
  }

  private static String awaitLine(BlockingQueue<String> lines, Predicate<String> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && wanted.test(line)) {
        return line;
      }
    }
    throw new AssertionError("no such line within 30 s");
  }

  private static Thread readLines(InputStream body, BlockingQueue<String> lines) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // stream closed
              }
            },
            "sse-reader");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }
}
