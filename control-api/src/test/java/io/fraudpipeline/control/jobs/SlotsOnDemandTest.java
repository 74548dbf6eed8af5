package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.flink.FlinkRestClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * {@code fraud.flink.slots-on-demand}, as on Kubernetes where Flink starts TaskManagers when a job
 * asks for slots: the control plane neither refuses a job wider than the free slots nor calls a
 * cluster without TaskManagers DOWN. A real Flink with one slot stands in; it accepts the job and
 * lets it wait for the slot it lacks, as an elastic cluster would while its TaskManager starts.
 * (Without the setting the same requests are refused: {@code JobLifecycleTest}.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlotsOnDemandTest {

  static LocalKafka kafka;
  static LocalFlink flink;
  static ControlPlane control;
  static ControlApiClient api;

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start();
    flink = LocalFlink.start(new LocalFlink.Options(0, 1, 1, null, Map.of()));
    control =
        ControlPlane.start(
            flink.restUrl(),
            kafka.bootstrapServers(),
            Map.of("fraud.flink.slots-on-demand", "true"));
    api = control.api();
  }

  @AfterAll
  static void stop() throws Exception {
    Closing.inOrder(control, flink, kafka);
  }

  @Test
  @Order(1)
  void deploysAJobWiderThanTheFreeSlots() {
    Response deployed = api.post("/api/v1/jobs", "{\"parallelism\": 2}");

    assertThat(deployed.status()).as(deployed.toString()).isEqualTo(201);
    String jobId = deployed.body().path("job_id").asString();
    assertThat(control.bean(FlinkRestClient.class).jobsOverview())
        .anySatisfy(
            job -> {
              assertThat(job.getJobId().toString()).isEqualTo(jobId);
              assertThat(job.getStatus().isGloballyTerminalState()).isFalse();
            });
  }

  @Test
  @Order(2)
  void aClusterWithoutTaskManagersIsNotDown() throws Exception {
    flink.miniCluster().terminateTaskManager(0).get();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode component = api.get("/actuator/health").body().path("components");
              JsonNode details = component.path("flink").path("details");
              assertThat(details.path("task_managers").asInt()).isZero();
              assertThat(component.path("flink").path("status").asString()).isEqualTo("UP");
              assertThat(details.path("slots_on_demand").asBoolean()).isTrue();
            });
  }
}
