package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.embedded.LocalFlink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas (two application contexts) on the shared broker and a real Flink, with a reconciler
 * interval far longer than the test: a change accepted through the replica that does not lead is
 * carried out by the leader within seconds, so only its following of the desired-state topic can
 * have woken it; one accepted through the leader, too. Then the leader stops, and the other replica
 * reconciles within seconds of gaining the leadership.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChangeThroughAnotherReplicaTest {

  private static final Duration AT_ONCE = Duration.ofSeconds(5);
  private static final Duration INTERVAL = Duration.ofMinutes(10);

  static LocalFlink flink;
  static final List<ControlPlane> replicas = new ArrayList<>();

  @BeforeAll
  static void start() {
    flink = LocalFlink.start();
    Map<String, String> settings = new HashMap<>(TestKafka.settings("change-through-replica"));
    settings.put("fraud.reconciler.interval", INTERVAL.toSeconds() + "s");
    settings.put("fraud.leadership.session-timeout", "6s");
    for (int i = 0; i < 2; i++) {
      replicas.add(
          ControlPlane.start(flink.restUrl(), TestKafka.broker().bootstrapServers(), settings));
    }
  }

  @AfterAll
  static void stop() {
    replicas.forEach(ControlPlane::close);
    if (flink != null) {
      flink.close();
    }
  }

  @Test
  @Order(1)
  void theLeaderCarriesOutAChangeAtOnceWhicheverReplicaAcceptedIt() {
    ControlPlane leader = awaitLeader();
    ControlPlane other = replicas.get(replicas.get(0) == leader ? 1 : 0);
    String leaderId = leader.bean(Leadership.class).replicaId();
    PipelineStatusStore status = leader.bean(PipelineStatusStore.class);

    // Each proposal appended through the other replica wakes the leader, the first and the next.
    Response put =
        other
            .api()
            .put("/api/v1/pipeline", "{\"state\": \"suspended\"}", Map.of("If-Match", "\"0\""));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    awaitReconciled(status, 1, leaderId);

    Response patch =
        other
            .api()
            .patch(
                "/api/v1/pipeline", "{\"suspend_mode\": \"cancel\"}", Map.of("If-Match", "\"1\""));
    assertThat(patch.status()).as(patch.toString()).isEqualTo(200);
    awaitReconciled(status, 2, leaderId);

    // And one accepted through the leader itself, by the same way.
    Response own =
        leader
            .api()
            .patch(
                "/api/v1/pipeline",
                "{\"suspend_mode\": \"savepoint\"}",
                Map.of("If-Match", "\"2\""));
    assertThat(own.status()).as(own.toString()).isEqualTo(200);
    awaitReconciled(status, 3, leaderId);
  }

  @Test
  @Order(2)
  void aReplicaThatGainsTheLeadershipReconcilesAtOnce() {
    ControlPlane leader = awaitLeader();
    leader.close();
    replicas.remove(leader);
    ControlPlane next = awaitLeader();
    String nextId = next.bean(Leadership.class).replicaId();

    // Its first pass writes a step of its own (that it took over, when nothing else is to be
    // done); nothing else would wake it before its interval.
    await()
        .atMost(AT_ONCE)
        .until(
            () -> next.bean(PipelineStatusStore.class).read().orElse(null),
            s -> s != null && s.lastStep() != null && nextId.equals(s.lastStep().replica()));
  }

  private static ControlPlane awaitLeader() {
    return await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                replicas.stream()
                    .filter(r -> r.bean(Leadership.class).isLeader())
                    .findFirst()
                    .orElse(null),
            r -> r != null);
  }

  private static void awaitReconciled(PipelineStatusStore store, long version, String leaderId) {
    PipelineStatus reconciled =
        await()
            .atMost(AT_ONCE)
            .until(
                () -> store.read().orElse(null), s -> s != null && s.desiredVersion() == version);
    assertThat(reconciled.lastStep().replica()).isEqualTo(leaderId);
  }
}
