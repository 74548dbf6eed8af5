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
 * A backtest whose control plane stops, on a real broker and a real Flink cluster: the restarted
 * control plane (a new application context on the same Kafka and Flink) cancels its Flink job,
 * deletes its output topic and fails its operation saying so; a second replica leaves a backtest
 * its live owner runs alone, and takes over the clean-up once that owner stops.
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
  void aRestartCancelsTheJobOfABacktestInProgressDeletesItsOutputAndSaysWhy() throws Exception {
    ControlPlane first = start();
    ControlPlane second = null;
    ControlPlane third = null;
    try {
      String abandoned = startBacktest(first);
      String firstId = first.bean(Leadership.class).replicaId();
      first.close();
      // Stopping leaves the backtest's job running and its topic, as a crash would.
      assertThat(jobState(abandoned)).contains(JobStatus.RUNNING);
      assertThat(outputTopics()).contains(WaitingBacktests.outputTopicPrefix(PREFIX) + abandoned);

      second = start();
      ApiClient api = client(second);
      awaitCleanedUp(abandoned);
      // As a client waits (README: until the state leaves IN_PROGRESS): it ends once, with the
      // backtest's cause, never first with the cause of job operations.
      JsonNode failed =
          await()
              .atMost(LONG)
              .until(
                  () -> api.get("/api/v1/operations/" + abandoned).json(),
                  op -> !"IN_PROGRESS".equals(op.path("state").asString()));
      assertThat(failed.path("state").asString()).isEqualTo("FAILED");
      assertThat(failed.path("failure_cause").asString())
          .isEqualTo(
              "The control-plane replica running the backtest stopped or restarted; its job was"
                  + " cancelled and its output deleted (it ran on replica "
                  + firstId
                  + ")");
      JsonNode events =
          await()
              .atMost(LONG)
              .until(
                  () -> api.get("/api/v1/events?reason=BacktestAbandoned").json().path("events"),
                  e -> e.size() == 1);
      assertThat(events.get(0).path("type").asString()).isEqualTo("warning");
      assertThat(events.get(0).path("message").asString()).contains(abandoned);

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

      second.close();
      ApiClient thirdApi = client(third);
      awaitCleanedUp(running);
      await()
          .atMost(LONG)
          .until(
              () -> thirdApi.get("/api/v1/operations/" + running).json(),
              op ->
                  op.path("failure_cause")
                      .asString()
                      .startsWith("The control-plane replica running the backtest"));
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
