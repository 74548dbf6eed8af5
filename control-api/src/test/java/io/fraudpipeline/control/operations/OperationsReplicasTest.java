package io.fraudpipeline.control.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.WaitingBacktests;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two control-plane replicas (two application contexts) on one real broker and one real Flink
 * cluster, and a long operation: a backtest asking for one slot more than the cluster has, so its
 * job stays RUNNING, waiting for a slot, for as long as the test needs.
 */
class OperationsReplicasTest {

  private static final String PREFIX = "operations-replicas";
  private static final Duration LONG = Duration.ofMinutes(2);

  static WaitingBacktests backtests;

  @BeforeAll
  static void startClusters() {
    backtests =
        WaitingBacktests.start(
            PREFIX,
            Map.of(
                "fraud.operations.abandoned-check-interval",
                "500ms",
                "fraud.operations.abandoned-grace",
                "1s",
                // The owner's shutdown leaves its backtest as a crash does (it ends it itself
                // otherwise: BacktestRestartTest).
                "fraud.backtests.shutdown-grace",
                "0s"));
  }

  @AfterAll
  static void stopClusters() throws Exception {
    Closing.inOrder(backtests);
  }

  @Test
  void aReplicaBesideALiveOwnerLeavesItsOperationRunningServesItAndFailsItOnceTheOwnerIsGone()
      throws Exception {
    ControlPlane owner = start();
    ControlPlane peer = null;
    try {
      String ownerId = owner.bean(Leadership.class).replicaId();
      String id = backtests.start(client(owner));
      peer = start();
      Leadership peerLeadership = peer.bean(Leadership.class);
      await()
          .atMost(LONG)
          .until(
              peerLeadership::replicas,
              r -> r.equals(Optional.of(Set.of(ownerId, peerLeadership.replicaId()))));
      // A look for abandoned operations once the peer knows the group, beside its start-up one.
      assertThat(peer.bean(Operations.class).failLeftBehind()).isEmpty();

      ApiClient ownerApi = client(owner);
      ApiClient peerApi = client(peer);
      JsonNode served = peerApi.get("/api/v1/operations/" + id).json();
      assertThat(served.path("state").asString()).isEqualTo("IN_PROGRESS");
      assertThat(served.path("replica").asString()).isEqualTo(ownerId);
      assertThat(served.path("progress").path("total").isNumber()).isTrue();
      assertThat(served.path("progress"))
          .isEqualTo(ownerApi.get("/api/v1/operations/" + id).json().path("progress"));
      assertThat(peerApi.get("/api/v1/operations").json().path("operations"))
          .anySatisfy(op -> assertThat(op.path("id").asString()).isEqualTo(id));
      assertThat(backtests.jobState(id)).contains(JobStatus.RUNNING);

      Reply cancel = peerApi.delete("/api/v1/operations/" + id);
      assertThat(cancel.status()).as(cancel.body()).isEqualTo(409);
      assertThat(cancel.json().path("replica").asString()).isEqualTo(ownerId);
      assertThat(cancel.json().path("detail").asString()).contains(ownerId);
      assertThat(ownerApi.get("/api/v1/operations/" + id).json().path("state").asString())
          .isEqualTo("IN_PROGRESS");

      // Stopping leaves the backtest's job running and its operation in progress, as a crash would.
      owner.close();
      JsonNode failed =
          await()
              .atMost(LONG)
              .until(
                  () -> peerApi.get("/api/v1/operations/" + id).json(),
                  op ->
                      op.path("state").asString().equals("FAILED")
                          && backtests.jobState(id).equals(Optional.of(JobStatus.CANCELED)));
      assertThat(failed.path("failure_cause").asString()).contains(ownerId);
      // Events are written in the background: awaited.
      await()
          .atMost(LONG)
          .untilAsserted(
              () ->
                  assertThat(
                          peerApi
                              .get("/api/v1/events?reason=BacktestAbandoned")
                              .json()
                              .path("events"))
                      .hasSize(1));
    } finally {
      owner.close();
      if (peer != null) {
        peer.close();
      }
    }
  }

  private static ControlPlane start() {
    return backtests.controlPlane();
  }

  private static ApiClient client(ControlPlane control) {
    return new ApiClient(control.port(), ControlPlane.TOKEN);
  }
}
