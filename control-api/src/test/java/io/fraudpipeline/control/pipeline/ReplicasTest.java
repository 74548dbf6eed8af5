package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.PipelineTopics;
import io.fraudpipeline.control.support.Traffic;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.flink.FlinkRestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Two control-api replicas (two application contexts) on one Kafka and one Flink: one job however
 * the requests are spread, one operation at a time on it however they are spread, and the second
 * replica takes over when the leader stops, healing a job lost meanwhile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasTest {

  private static final Duration LONG = Duration.ofMinutes(3);
  private static final Map<String, String> SETTINGS =
      Map.of(
          "fraud.reconciler.interval", "500ms",
          "fraud.leadership.session-timeout", "6s",
          "fraud.reconciler.await-timeout", "90s");

  static LocalKafka kafka;
  static LocalFlink flink;
  static final List<ControlPlane> replicas = new ArrayList<>();
  static Traffic traffic;
  static final List<String> expectedAlerts = new ArrayList<>();

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start();
    PipelineTopics.create(kafka);
    flink = LocalFlink.start();
    replicas.add(ControlPlane.start(flink.restUrl(), kafka.bootstrapServers(), SETTINGS));
    replicas.add(ControlPlane.start(flink.restUrl(), kafka.bootstrapServers(), SETTINGS));
    traffic = new Traffic(kafka.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (traffic != null) {
      traffic.close();
    }
    replicas.forEach(ControlPlane::close);
    if (flink != null) {
      flink.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Order(1)
  void concurrentDeploysSpreadOverBothReplicasRunOneJob() {
    await().atMost(LONG).until(() -> leader() != null);
    List<CompletableFuture<Response>> deploys = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ControlApiClient api = replicas.get(i % 2).api();
      deploys.add(
          CompletableFuture.supplyAsync(() -> api.post("/api/v1/jobs", "{\"parallelism\": 1}")));
    }
    List<Response> answers = deploys.stream().map(CompletableFuture::join).toList();

    assertThat(answers.stream().filter(r -> r.status() == 201)).as(answers.toString()).hasSize(1);
    assertThat(answers.stream().filter(r -> r.status() == 409))
        .as(answers.toString())
        .hasSize(5)
        .allSatisfy(r -> assertThat(r.contentType()).startsWith("application/problem+json"));
    String jobId =
        answers.stream()
            .filter(r -> r.status() == 201)
            .findFirst()
            .orElseThrow()
            .body()
            .path("job_id")
            .asString();
    // Held for several reconciliations of both replicas: a second job would show up by then.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> activeJobsOnFlink().equals(List.of(jobId)));
    expectedAlerts.addAll(traffic.send("replicas", 40, 4));
    awaitEveryExpectedAlertExactlyOnce();
    assertThat(
            replicas
                .get(0)
                .api()
                .get("/api/v1/pipeline")
                .body()
                .path("desired")
                .path("version")
                .asLong())
        .isEqualTo(1);
  }

  @Test
  @Order(2)
  void simultaneousOperationsOnTheJobThroughBothReplicasAcceptOneAndReferTheOtherToIt()
      throws Exception {
    String jobId = activeJobsOnFlink().get(0);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int refusedRounds = 0;
    try {
      for (int round = 0; round < 5; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        for (ControlPlane replica : replicas) {
          answers.add(
              pool.submit(
                  () -> {
                    start.await();
                    return replica.api().post("/api/v1/jobs/" + jobId + "/savepoints", "{}");
                  }));
        }
        start.countDown();
        List<Response> replies = new ArrayList<>();
        for (Future<Response> answer : answers) {
          replies.add(answer.get());
        }

        ControlApiClient api = replicas.get(0).api();
        if (replies.stream().allMatch(r -> r.status() == 202)) {
          // A loaded machine can delay one request until the other's savepoint has ended: both
          // are then accepted, one after the other, which is right. Never two at once.
          List<JsonNode> ended = new ArrayList<>();
          for (Response reply : replies) {
            String id = reply.body().path("id").asString();
            ended.add(
                await()
                    .atMost(LONG)
                    .until(
                        () -> api.get("/api/v1/operations/" + id).body(),
                        op -> "COMPLETED".equals(op.path("state").asString())));
          }
          ended.sort(Comparator.comparing(op -> Instant.parse(op.path("created_at").asString())));
          assertThat(Instant.parse(ended.get(1).path("created_at").asString()))
              .as(
                  "round %d: the later operation began after the earlier one ended: %s",
                  round, ended)
              .isAfterOrEqualTo(Instant.parse(ended.get(0).path("completed_at").asString()));
          continue;
        }
        refusedRounds++;
        assertThat(replies)
            .as("round %d: %s", round, replies)
            .extracting(Response::status)
            .containsExactlyInAnyOrder(202, 409);
        Response accepted = replies.stream().filter(r -> r.status() == 202).findFirst().get();
        Response refused = replies.stream().filter(r -> r.status() == 409).findFirst().get();
        String winner = accepted.body().path("id").asString();
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("operation_id").asString()).isEqualTo(winner);
        assertThat(refused.body().path("detail").asString())
            .contains(winner)
            .contains("(SAVEPOINT) is in progress");
        // Ended before the next round, so that round does not meet this one.
        await()
            .atMost(LONG)
            .untilAsserted(
                () ->
                    assertThat(
                            api.get("/api/v1/operations/" + winner).body().path("state").asString())
                        .isEqualTo("COMPLETED"));
      }
      assertThat(refusedRounds).as("rounds in which the two requests met").isPositive();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(3)
  void theOtherReplicaTakesOverWhenTheLeaderStopsAndHealsALostJob() throws Exception {
    // The leadership may be moving after the earlier tests (a rebalance): wait for it to settle.
    ControlPlane leader = await().atMost(LONG).until(ReplicasTest::leader, Objects::nonNull);
    ControlPlane follower = replicas.get(replicas.get(0) == leader ? 1 : 0);
    String before = activeJobsOnFlink().get(0);
    await()
        .atMost(LONG)
        .until(
            () ->
                before.equals(
                    follower
                        .api()
                        .get("/api/v1/pipeline")
                        .body()
                        .path("status")
                        .path("last_state")
                        .path("job_id")
                        .asString()));

    leader.close();
    replicas.remove(leader);
    // Lost while no replica leads: cancelled outside the control plane.
    follower.bean(FlinkRestClient.class).cancel(JobID.fromHexString(before));
    expectedAlerts.addAll(traffic.send("handover", 20, 4));

    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              Response leadership = follower.api().get("/api/v1/leadership");
              assertThat(leadership.body().path("leader").asBoolean()).isTrue();
              List<String> active = activeJobsOnFlink();
              assertThat(active).hasSize(1).doesNotContain(before);
            });
    expectedAlerts.addAll(traffic.send("after-handover", 20, 4));
    awaitEveryExpectedAlertExactlyOnce();
    assertThat(
            follower
                .api()
                .get("/api/v1/pipeline")
                .body()
                .path("status")
                .path("last_step")
                .path("replica")
                .asString())
        .isEqualTo(follower.api().get("/api/v1/leadership").body().path("replica_id").asString());
  }

  private static ControlPlane leader() {
    for (ControlPlane replica : replicas) {
      if (replica.api().get("/api/v1/leadership").body().path("leader").asBoolean()) {
        return replica;
      }
    }
    return null;
  }

  private static List<String> activeJobsOnFlink() {
    return replicas.get(0).bean(FlinkRestClient.class).jobsOverview().stream()
        .filter(j -> !j.getStatus().isGloballyTerminalState())
        .map(j -> j.getJobId().toHexString())
        .toList();
  }

  private static void awaitEveryExpectedAlertExactlyOnce() {
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }
}
