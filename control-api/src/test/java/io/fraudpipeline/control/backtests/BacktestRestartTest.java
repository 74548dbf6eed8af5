package io.fraudpipeline.control.backtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.control.support.WaitingBacktests;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A backtest whose control plane stops, on a real broker and a real Flink cluster: one that shuts
 * down cancels its Flink job, deletes its output topic and fails its operation saying so itself;
 * one that leaves it as a crash does (no shutdown grace) has it cleaned up by another replica (a
 * new application context on the same Kafka and Flink), which leaves a backtest its live owner runs
 * alone and takes over the clean-up once that owner stops.
 *
 * <p>The backtests ask for one slot more than the cluster has, so their jobs stay RUNNING, waiting
 * for a slot (as a backtest on a busy cluster does), for as long as the test needs them to.
 */
class BacktestRestartTest {

  private static final String PREFIX = "backtest-restart";
  private static final Duration LONG = Duration.ofMinutes(2);

  static WaitingBacktests backtests;
  static Admin admin;

  @BeforeAll
  static void startClusters() {
    // A short grace: the leader's wait for young backtests is proven by AbandonedBacktestsTest.
    backtests = WaitingBacktests.start(PREFIX, Map.of("fraud.operations.abandoned-grace", "1s"));
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers()));
  }

  @AfterAll
  static void stopClusters() throws Exception {
    Closing.inOrder(admin, backtests);
  }

  @Test
  void aShutdownEndsItsBacktestItselfAndACrashedReplicasIsCleanedUpByAnother() throws Exception {
    ControlPlane first = start();
    ControlPlane second = null;
    ControlPlane third = null;
    try {
      String ended = startBacktest(first);
      String firstId = first.bean(Leadership.class).replicaId();
      String job =
          first
              .bean(io.fraudpipeline.control.operations.Operations.class)
              .find(ended)
              .orElseThrow()
              .jobId();
      first.close();
      // A planned shutdown ends its own backtest (fraud.backtests.shutdown-grace): before, it left
      // the job running and the topic, as a crash does, for the next leader to throw away with a
      // BacktestAbandoned warning.
      awaitCleanedUp(ended);

      // This one's shutdown leaves its backtests as a crash does, for the cleanup below.
      second = start(Map.of("fraud.backtests.shutdown-grace", "0s"));
      ApiClient api = client(second);
      JsonNode failed = api.get("/api/v1/operations/" + ended).json();
      assertThat(failed.path("state").asString()).isEqualTo("FAILED");
      assertThat(failed.path("failure_cause").asString())
          .isEqualTo(
              "The control-plane replica "
                  + firstId
                  + " shut down while the backtest ran: its Flink job "
                  + job
                  + " was cancelled and its output deleted; run the backtest again");
      JsonNode events =
          await()
              .atMost(LONG)
              .until(
                  () ->
                      api.get("/api/v1/events?reason=BacktestEndedAtShutdown")
                          .json()
                          .path("events"),
                  e -> e.size() == 1);
      assertThat(events.get(0).path("type").asString()).isEqualTo("normal");
      assertThat(events.get(0).path("message").asString()).contains(ended);
      second.bean(AbandonedBacktests.class).sweep();
      assertThat(api.get("/api/v1/events?reason=BacktestAbandoned").json().path("events"))
          .isEmpty();

      // A second replica joins while the first runs a backtest: not its to clean up.
      String running = startBacktest(second);
      third = start();
      Leadership thirdLeadership = third.bean(Leadership.class);
      String secondId = second.bean(Leadership.class).replicaId();
      await()
          .atMost(LONG)
          .until(
              thirdLeadership::replicas,
              r -> r.equals(Optional.of(Set.of(secondId, thirdLeadership.replicaId()))));
      third.bean(AbandonedBacktests.class).sweep();
      second.bean(AbandonedBacktests.class).sweep();
      assertThat(jobState(running)).contains(JobStatus.RUNNING);
      assertThat(outputTopics()).contains(WaitingBacktests.outputTopicPrefix(PREFIX) + running);

      // Left as a crash leaves it: the job runs on, the topic stays, until the leader cleans up.
      second.close();
      ApiClient thirdApi = client(third);
      awaitCleanedUp(running);
      // As a client waits (README: until the state leaves IN_PROGRESS): it ends once, with the
      // backtest's cause, never first with the cause of job operations.
      JsonNode abandoned =
          await()
              .atMost(LONG)
              .until(
                  () -> thirdApi.get("/api/v1/operations/" + running).json(),
                  op -> !"IN_PROGRESS".equals(op.path("state").asString()));
      assertThat(abandoned.path("failure_cause").asString())
          .isEqualTo(
              "The control-plane replica running the backtest stopped or restarted; its job was"
                  + " cancelled and its output deleted (it ran on replica "
                  + secondId
                  + ")");
      JsonNode warnings =
          await()
              .atMost(LONG)
              .until(
                  () ->
                      thirdApi.get("/api/v1/events?reason=BacktestAbandoned").json().path("events"),
                  e -> e.size() == 1);
      assertThat(warnings.get(0).path("type").asString()).isEqualTo("warning");
      assertThat(warnings.get(0).path("message").asString()).contains(running);
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
      if (third != null) {
        third.close();
      }
    }
  }

  private static ControlPlane start() {
    return backtests.controlPlane();
  }

  private static ControlPlane start(Map<String, String> settings) {
    return backtests.controlPlane(settings);
  }

  private static ApiClient client(ControlPlane control) {
    return new ApiClient(control.port(), ControlPlane.TOKEN);
  }

  /** Starts a backtest and waits until its job runs and its output topic exists. */
  private static String startBacktest(ControlPlane control) throws Exception {
    String id = backtests.start(client(control));
    assertThat(outputTopics()).contains(WaitingBacktests.outputTopicPrefix(PREFIX) + id);
    return id;
  }

  private static void awaitCleanedUp(String operationId) {
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              assertThat(jobState(operationId)).contains(JobStatus.CANCELED);
              assertThat(outputTopics())
                  .doesNotContain(WaitingBacktests.outputTopicPrefix(PREFIX) + operationId);
            });
  }

  private static Optional<JobStatus> jobState(String operationId) {
    return backtests.jobState(operationId);
  }

  private static Set<String> outputTopics() throws Exception {
    return admin.listTopics().names().get();
  }
}
