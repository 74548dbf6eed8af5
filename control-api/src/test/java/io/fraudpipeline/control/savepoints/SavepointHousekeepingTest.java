package io.fraudpipeline.control.savepoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.PipelineTopics;
import io.fraudpipeline.control.support.Traffic;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Savepoint housekeeping, restorability and data loss on a real Flink session cluster and a real
 * KRaft broker, with the real fraud job: periodic and retained savepoints whose files really go,
 * deletes on request, and Kafka's retention (moved deterministically with {@code deleteRecords})
 * overtaking a suspended job's savepoints and its consumer group. The steps build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SavepointHousekeepingTest {

  private static final Duration LONG = Duration.ofMinutes(2);

  @TempDir static Path savepointDir;

  static LocalKafka kafka;
  static LocalFlink flink;
  static ControlPlane control;
  static ControlApiClient api;
  static Traffic traffic;

  static String jobId;
  static final List<String> expectedAlerts = new ArrayList<>();
  static final List<String> taken = new ArrayList<>();
  static String stopSavepointId;
  static long lostRecords;

  @BeforeAll
  static void startPipeline() {
    kafka = LocalKafka.start();
    PipelineTopics.create(kafka);
    flink = LocalFlink.start(new LocalFlink.Options(0, 1, 2, null, Map.of()));
    control =
        ControlPlane.start(
            flink.restUrl(),
            kafka.bootstrapServers(),
            Map.of(
                "fraud.savepoints.directory", savepointDir.toUri().toString(),
                // One periodic savepoint as soon as the job runs, then none within the test.
                "fraud.savepoints.periodic-interval", "1h",
                "fraud.savepoints.housekeeping-interval", "500ms",
                "fraud.savepoints.retention.max-count", "2",
                "fraud.savepoints.retention.max-age", "0s",
                "fraud.lag.poll-interval", "500ms"));
    api = control.api();
    traffic = new Traffic(kafka.bootstrapServers());
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    Closing.inOrder(traffic, control, flink, kafka);
  }

  @Test
  @Order(1)
  void aPeriodicSavepointIsTakenFromTheRunningJob() {
    Response deployed = api.post("/api/v1/jobs", "{}");
    assertThat(deployed.status()).as(deployed.toString()).isEqualTo(201);
    jobId = deployed.body().path("job_id").asString();
    expectedAlerts.addAll(traffic.send("before", 40, 4));
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);

    JsonNode periodic =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> find("PERIODIC"), node -> node != null);
    assertThat(periodic.path("job_id").asString()).isEqualTo(jobId);
    assertThat(periodic.path("id").asString()).hasSize(12);
    assertThat(exists(periodic.path("path").asString())).isTrue();
    taken.add(periodic.path("path").asString());
  }

  @Test
  @Order(2)
  void retentionDisposesOfTheOldestSavepointsSoTheirFilesAreGone() {
    for (int i = 0; i < 3; i++) {
      taken.add(savepointNow());
    }

    // max-count 2: the two newest stay, the two oldest are disposed of.
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(paths()).containsExactly(taken.get(3), taken.get(2)));
    assertThat(exists(taken.get(0))).isFalse();
    assertThat(exists(taken.get(1))).isFalse();
    assertThat(exists(taken.get(2))).isTrue();
    assertThat(exists(taken.get(3))).isTrue();
    JsonNode newest = savepoints().get(0);
    assertThat(newest.path("restorable_without_loss").asBoolean()).isTrue();
    assertThat(newest.path("records_deleted").asLong()).isZero();
    assertThat(newest.path("transactions_offsets").path("0").isNumber()).isTrue();
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              assertThat(events(EventReason.SAVEPOINT_DISPOSED)).hasSize(2);
              assertThat(scrape())
                  .contains("fraud_savepoints_disposed_total{application=\"control-api\"} 2.0");
            });
  }

  @Test
  @Order(3)
  void deleteDisposesOfASavepointAndAnUnknownIdIsNotFound() {
    // The older of the two: the reconciler's last state may still be it until the reconciler learns
    // of the newer one, and after that it only moves forward, so once unpinned it stays unpinned.
    JsonNode victim =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> savepoints().get(1), s -> !s.has("pinned_by"));
    assertThat(victim.path("path").asString()).isEqualTo(taken.get(2));
    List<String> kept = List.of(taken.get(3));

    Response unknown = api.delete("/api/v1/savepoints/000000000000");
    Response deleted = api.delete("/api/v1/savepoints/" + victim.path("id").asString());

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
    assertThat(exists(victim.path("path").asString())).isFalse();
    assertThat(paths()).isEqualTo(kept);
    assertThat(kept).allSatisfy(path -> assertThat(exists(path)).isTrue());
  }

  @Test
  @Order(4)
  void aStopWithSavepointRecordsTheOffsetsTheJobCommittedBeforeItEndedAndIsPinned() {
    completed(api.post("/api/v1/jobs/" + jobId + "/stop", "{\"drain\": false}"));

    JsonNode stop = savepoints().get(0);
    assertThat(stop.path("kind").asString()).isEqualTo("STOP");
    stopSavepointId = stop.path("id").asString();
    // The job had read every transaction: it resumes from the end of each partition.
    Map<Integer, Long> ends = endOffsets();
    assertThat(offsets(stop.path("transactions_offsets"))).isEqualTo(ends);
    assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);

    // The suspended pipeline resumes from it: it is neither deleted on request nor by retention.
    Response pinned = api.delete("/api/v1/savepoints/" + stopSavepointId);
    assertThat(pinned.status()).as(pinned.toString()).isEqualTo(409);
    assertThat(pinned.contentType()).startsWith("application/problem+json");
    assertThat(pinned.body().path("pinned_by").asString()).contains("reconciler's last state");
    assertThat(exists(stop.path("path").asString())).isTrue();
  }

  @Test
  @Order(5)
  void retentionOvertakingTheSuspendedJobIsReportedAsDataLoss() throws Exception {
    traffic.send("while-stopped", 30, 4);
    deleteEverythingOfTransactions();
    lostRecords = 30;

    // The broker moves each partition's start on its own: a sample taken in between sees part of
    // the loss, and the next one the rest.
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              JsonNode lag = api.get("/api/v1/topics/lag").body();
              assertThat(lag.path("status").asString()).isEqualTo("DATA_LOSS");
              assertThat(lag.path("records_lost").asLong()).isEqualTo(lostRecords);
            });
    JsonNode lag = api.get("/api/v1/topics/lag").body();
    long perPartition = 0;
    for (JsonNode p : lag.path("partitions")) {
      perPartition += p.path("records_lost").asLong();
      assertThat(p.path("lag_records").asLong()).isZero();
    }
    assertThat(perPartition).isEqualTo(lostRecords);

    Response health = api.get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("components").path("lag").path("status").asString())
        .isEqualTo("DATA_LOSS");
    assertThat(
            health
                .body()
                .path("components")
                .path("lag")
                .path("details")
                .path("records_lost")
                .asLong())
        .isEqualTo(lostRecords);

    // Samples keep seeing the same loss: each lost record is counted and told once (in one event,
    // or in two when a sample saw the deletion half done).
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(
                        events(EventReason.DATA_LOSS).stream()
                            .mapToLong(
                                e ->
                                    Long.parseLong(
                                        e.path("message").asString().split(" records of ")[0]))
                            .sum())
                    .isEqualTo(lostRecords));
    assertThat(events(EventReason.DATA_LOSS))
        .allSatisfy(
            e -> assertThat(e.path("message").asString()).contains(" records of transactions"));
    String scrape = scrape();
    assertThat(lostCounterTotal(scrape))
        .as(scrape.lines().filter(l -> l.contains("lost")).toList().toString())
        .isEqualTo(lostRecords);
  }

  @Test
  @Order(6)
  void savepointsWhoseRecordsWereDeletedSayItAndRestoreLatestRefusesNamingThem() {
    // The listing judges from the offsets poller's samples: the one after the deletion tells.
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              JsonNode stop = savepoints().get(0);
              assertThat(stop.path("id").asString()).isEqualTo(stopSavepointId);
              assertThat(stop.path("restorable_without_loss").asBoolean(true)).isFalse();
              assertThat(stop.path("records_deleted").asLong()).isEqualTo(lostRecords);
            });

    Response refused = api.post("/api/v1/jobs", "{\"restore\": {\"latest\": true}}");

    assertThat(refused.status()).as(refused + " with " + savepoints()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body().path("detail").asString())
        .contains(stopSavepointId)
        .contains(lostRecords + " records deleted");
    List<String> unsafe = new ArrayList<>();
    refused.body().path("unsafe_savepoints").forEach(n -> unsafe.add(n.asString()));
    assertThat(unsafe).contains(stopSavepointId);
    assertThat(
            api.get("/api/v1/pipeline")
                .body()
                .path("desired")
                .path("spec")
                .path("state")
                .asString())
        .isEqualTo("suspended");
  }

  @Test
  @Order(7)
  void aSavepointFlinkCannotDisposeOfStaysInTheHistoryUntilItsFilesAreGone() throws Exception {
    // A savepoint directory whose metadata Flink cannot read, old enough for the retention.
    Path broken = Files.createDirectories(savepointDir.resolve("savepoint-broken"));
    Files.write(broken.resolve("_metadata"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    String path = broken.toUri().toString();
    control
        .bean(SavepointHistory.class)
        .append(
            new SavepointRecord(
                path,
                jobId,
                SavepointRecord.Kind.SAVEPOINT,
                java.time.Instant.now().minus(Duration.ofHours(1)),
                1,
                "exactly-once",
                null,
                null,
                Map.of(0, 0L, 1, 0L)));

    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(() -> assertThat(events(EventReason.SAVEPOINT_DISPOSAL_FAILED)).hasSize(1));
    assertThat(events(EventReason.SAVEPOINT_DISPOSAL_FAILED).get(0).path("message").asString())
        .contains(path);
    // Retried every round (counted), told once, and kept meanwhile.
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(scrape())
                    .containsPattern(
                        "fraud_savepoints_disposal_failures_total\\{application=\"control-api\"}"
                            + " [2-9]"));
    assertThat(events(EventReason.SAVEPOINT_DISPOSAL_FAILED)).hasSize(1);
    assertThat(paths()).contains(path);

    // Gone by other means: the next round drops it as gone.
    Files.delete(broken.resolve("_metadata"));
    Files.delete(broken);
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(() -> assertThat(paths()).doesNotContain(path));
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(events(EventReason.SAVEPOINT_DISPOSED).get(0).path("message").asString())
                    .contains(path)
                    .contains("already gone"));
  }

  private static String savepointNow() {
    return completed(api.post("/api/v1/jobs/" + jobId + "/savepoints", null))
        .path("savepoint_path")
        .asString();
  }

  /** The operation an accepted request started, once COMPLETED. */
  private static JsonNode completed(Response accepted) {
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    String location = accepted.header("Location").orElseThrow();
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> api.get(location).body(), op -> "COMPLETED".equals(op.path("state").asString()));
  }

  private static JsonNode savepoints() {
    return api.get("/api/v1/savepoints").body().path("savepoints");
  }

  private static List<String> paths() {
    List<String> paths = new ArrayList<>();
    savepoints().forEach(s -> paths.add(s.path("path").asString()));
    return paths;
  }

  private static JsonNode find(String kind) {
    for (JsonNode s : savepoints()) {
      if (kind.equals(s.path("kind").asString())) {
        return s;
      }
    }
    return null;
  }

  private static boolean exists(String savepointPath) {
    return Files.exists(Path.of(URI.create(savepointPath)));
  }

  private static List<JsonNode> events(String reason) {
    List<JsonNode> found = new ArrayList<>();
    api.get("/api/v1/events?limit=200&reason=" + reason).body().path("events").forEach(found::add);
    return found;
  }

  private static String scrape() {
    // A scrape racing a gauge's re-registration can answer 500 (DuplicateLabelsException); retry.
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/actuator/prometheus"), r -> r.status() == 200)
        .raw()
        .body();
  }

  private static long lostCounterTotal(String scrape) {
    double total = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("fraud_consumer_lag_records_lost_total{")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) total;
  }

  private static Map<Integer, Long> offsets(JsonNode node) {
    Map<Integer, Long> offsets = new HashMap<>();
    node.properties()
        .forEach(e -> offsets.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    return offsets;
  }

  private static Map<Integer, Long> endOffsets() {
    Map<Integer, Long> ends = new HashMap<>();
    for (JsonNode topic : api.get("/api/v1/topics").body().path("topics")) {
      if ("transactions".equals(topic.path("name").asString())) {
        topic
            .path("partitions")
            .forEach(p -> ends.put(p.path("partition").asInt(), p.path("latest_offset").asLong()));
      }
    }
    return ends;
  }

  /** What retention does, without waiting for it: the log start moves to the end. */
  private static void deleteEverythingOfTransactions() throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
      admin
          .listOffsets(
              Map.of(
                  new TopicPartition("transactions", 0),
                  org.apache.kafka.clients.admin.OffsetSpec.latest(),
                  new TopicPartition("transactions", 1),
                  org.apache.kafka.clients.admin.OffsetSpec.latest()))
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> all.put(tp, RecordsToDelete.beforeOffset(info.offset())));
      admin.deleteRecords(all).all().get(30, TimeUnit.SECONDS);
    }
  }
}
