package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class KubernetesManifestsTest {

  private static final String DIR = "deploy/k8s/";

  /** Keys whose value differs on purpose: containers vs pods the operator configures. */
  private static final Set<String> COMPOSE_ONLY_FLINK_KEYS =
      Set.of(
          "jobmanager.bind-host",
          "taskmanager.bind-host",
          "rest.address",
          "rest.bind-address",
          "jobmanager.memory.process.size",
          "taskmanager.memory.process.size");

  /**
   * Keys only Kubernetes has: Flink's native resource manager starts TaskManagers there, and this
   * keeps one running (compose starts its TaskManager itself; a standalone cluster ignores it).
   */
  private static final Set<String> KUBERNETES_ONLY_FLINK_KEYS =
      Set.of("slotmanager.number-of-slots.min");

  private final JsonNode flinkDeployment = manifest("flink-deployment.yaml");
  private final JsonNode deployment = manifest("control-api-deployment.yaml");
  private final JsonNode container = deployment.at("/spec/template/spec/containers/0");

  @Test
  void kustomizationAppliesEveryManifestInTheDirectory() throws IOException {
    Set<String> listed = new HashSet<>();
    manifest("kustomization.yaml").path("resources").forEach(r -> listed.add(r.asString()));
    Set<String> present = new HashSet<>();
    try (Stream<Path> files = Files.list(RepositoryFiles.path(DIR))) {
      files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
          .forEach(present::add);
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
    assertThat(manifest("kustomization.yaml").path("namespace").asString())
        .isEqualTo(manifest("namespace.yaml").at("/metadata/name").asString());
  }

  @Test
  void flinkDeploymentIsASessionClusterOfTheBuildsFlinkVersion() {
    assertThat(flinkDeployment.path("apiVersion").asString()).isEqualTo("flink.apache.org/v1beta1");
    assertThat(flinkDeployment.path("kind").asString()).isEqualTo("FlinkDeployment");
    assertThat(flinkDeployment.at("/spec/job").isMissingNode())
        .as("no job section: the operator runs a session cluster")
        .isTrue();
    String[] version = BuildVersions.flinkVersion().split("\\.");
    assertThat(flinkDeployment.at("/spec/flinkVersion").asString())
        .isEqualTo("v" + version[0] + "_" + version[1]);
    assertThat(flinkDeployment.at("/spec/image").asString())
        .isEqualTo(ComposeServices.load().service("jobmanager").path("image").asString());
  }

  @Test
  void controlApiLetsFlinkStartTaskManagersOnDemandAndOneRunsFromTheStart() {
    // Without the setting the control-api would refuse a job wider than the slots it sees free.
    assertThat(
            manifest("control-api-configmap.yaml")
                .at("/data/FRAUD_FLINK_SLOTS_ON_DEMAND")
                .asString())
        .isEqualTo("true");
    // A deploy or a restart does not wait for a pod to be scheduled.
    JsonNode config = flinkDeployment.at("/spec/flinkConfiguration");
    int slotsPerTaskManager =
        Integer.parseInt(config.path("taskmanager.numberOfTaskSlots").asString());
    assertThat(Integer.parseInt(config.path("slotmanager.number-of-slots.min").asString("0")))
        .isGreaterThanOrEqualTo(slotsPerTaskManager);
  }

  @Test
  void flinkDeploymentCarriesTheSameFlinkSettingsAsCompose() {
    Map<String, String> expected = new TreeMap<>(FlinkConfigFile.asMap());
    COMPOSE_ONLY_FLINK_KEYS.forEach(expected::remove);
    Map<String, String> actual = new TreeMap<>();
    flinkDeployment
        .at("/spec/flinkConfiguration")
        .forEachEntry((key, value) -> actual.put(key, value.asString()));
    KUBERNETES_ONLY_FLINK_KEYS.forEach(actual::remove);
    assertThat(actual).isEqualTo(expected);

    assertThat(flinkDeployment.at("/spec/jobManager/resource/memory").asString())
        .isEqualTo(FlinkConfigFile.asMap().get("jobmanager.memory.process.size"));
    assertThat(flinkDeployment.at("/spec/taskManager/resource/memory").asString())
        .isEqualTo(FlinkConfigFile.asMap().get("taskmanager.memory.process.size"));
  }

  @Test
  void flinkPodsMountTheSharedVolumeWhereCheckpointsAndSavepointsGo() {
    JsonNode pod = flinkDeployment.at("/spec/podTemplate/spec");
    JsonNode mount = pod.at("/containers/0/volumeMounts/0");
    assertThat(pod.at("/containers/0/name").asString()).isEqualTo("flink-main-container");
    String checkpoints =
        URI.create(FlinkConfigFile.asMap().get("execution.checkpointing.dir")).getPath();
    assertThat(checkpoints).startsWith(mount.path("mountPath").asString() + "/");

    JsonNode volume = pod.at("/volumes/0");
    assertThat(volume.path("name").asString()).isEqualTo(mount.path("name").asString());
    JsonNode claim = manifest("flink-data-pvc.yaml");
    assertThat(volume.at("/persistentVolumeClaim/claimName").asString())
        .isEqualTo(claim.at("/metadata/name").asString());
    assertThat(claim.at("/spec/accessModes").toString())
        .as("JobManager and TaskManagers on different nodes share it")
        .contains("ReadWriteMany");
  }

  @Test
  void controlApiReadsFlinksCheckpointsAndSavepointsWhereFlinkNamesThem() {
    String checkpoints =
        URI.create(FlinkConfigFile.asMap().get("execution.checkpointing.dir")).getPath();
    String flinkClaim =
        flinkDeployment
            .at("/spec/podTemplate/spec/volumes/0/persistentVolumeClaim/claimName")
            .asString();
    JsonNode pod = deployment.at("/spec/template/spec");
    List<String> claimed = new ArrayList<>();
    pod.path("volumes")
        .forEach(
            v -> {
              if (flinkClaim.equals(v.at("/persistentVolumeClaim/claimName").asString(""))) {
                assertThat(v.at("/persistentVolumeClaim/readOnly").asBoolean()).isTrue();
                claimed.add(v.path("name").asString());
              }
            });
    assertThat(claimed).as("the control-api pod claims Flink's volume").hasSize(1);
    assertThat(container.path("volumeMounts"))
        .as("mounted read-only above the checkpoint directory, as in the Flink pods")
        .anySatisfy(
            m -> {
              assertThat(m.path("name").asString()).isEqualTo(claimed.get(0));
              assertThat(checkpoints).startsWith(m.path("mountPath").asString() + "/");
              assertThat(m.path("readOnly").asBoolean()).isTrue();
            });
  }

  @Test
  void controlApiIsProbedOnTheActuatorHealthGroups() {
    assertThat(container.at("/livenessProbe/httpGet/path").asString())
        .isEqualTo("/actuator/health/liveness");
    assertThat(container.at("/readinessProbe/httpGet/path").asString())
        .isEqualTo("/actuator/health/readiness");
    assertThat(container.at("/startupProbe/httpGet/path").asString())
        .isEqualTo("/actuator/health/liveness");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asString()).isEqualTo("http");
    }
    assertThat(container.at("/ports/0/name").asString()).isEqualTo("http");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
  }

  @Test
  void serviceRoutesToTheControlApiPods() {
    JsonNode service = manifest("control-api-service.yaml");
    service
        .at("/spec/selector")
        .forEachEntry(
            (label, value) ->
                assertThat(deployment.at("/spec/template/metadata/labels").path(label).asString())
                    .isEqualTo(value.asString()));
    assertThat(service.at("/spec/ports/0/targetPort").asString()).isEqualTo("http");
    assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(deployment.at("/spec/selector/matchLabels").toString())
        .isEqualTo(service.at("/spec/selector").toString());
  }

  @Test
  void controlApiFindsFlinkThroughTheOperatorsRestService() {
    URI flink =
        URI.create(manifest("control-api-configmap.yaml").at("/data/FLINK_REST_URL").asString());
    assertThat(flink.getHost())
        .isEqualTo(flinkDeployment.at("/metadata/name").asString() + "-rest");
    assertThat(flink.getPort()).isEqualTo(FlinkConfigFile.restPort());
  }

  @Test
  void controlApiGetsTheSameSettingsAsInCompose() {
    JsonNode configMap = manifest("control-api-configmap.yaml");
    JsonNode secret = manifest("control-api-secret.yaml");
    Set<String> k8s = new HashSet<>(configMap.path("data").propertyNames());
    k8s.addAll(secret.path("stringData").propertyNames());
    container.path("env").forEach(e -> k8s.add(e.path("name").asString()));

    Set<String> compose =
        new HashSet<>(
            ComposeServices.load().service("control-api").path("environment").propertyNames());
    assertThat(k8s).containsExactlyInAnyOrderElementsOf(compose);

    List<String> sources = new ArrayList<>();
    container.path("envFrom").forEach(s -> sources.add(s.toString()));
    assertThat(sources)
        .anySatisfy(s -> assertThat(s).contains(configMap.at("/metadata/name").asString()))
        .anySatisfy(s -> assertThat(s).contains(secret.at("/metadata/name").asString()));
  }

  @Test
  void tokenSecretHoldsAnObviousPlaceholderOnly() {
    JsonNode secret = manifest("control-api-secret.yaml");
    assertThat(secret.path("kind").asString()).isEqualTo("Secret");
    assertThat(secret.at("/stringData/FRAUD_API_TOKEN").asString()).startsWith("CHANGE-ME");
    assertThat(secret.has("data")).as("no base64-encoded value hidden in data").isFalse();
    assertThat(RepositoryFiles.text(DIR + "control-api-secret.yaml"))
        .contains("kubectl -n fraud-pipeline create secret generic control-api-token");
  }

  @Test
  void controlApiRunsTheImageComposeBuilds() {
    assertThat(container.path("image").asString())
        .isEqualTo(ComposeServices.load().service("control-api").path("image").asString());
  }

  @Test
  void podsAnnounceTheirPrometheusEndpoints() {
    JsonNode apiAnnotations = deployment.at("/spec/template/metadata/annotations");
    assertThat(apiAnnotations.path("prometheus.io/port").asString())
        .isEqualTo(String.valueOf(container.at("/ports/0/containerPort").asInt()));
    assertThat(apiAnnotations.path("prometheus.io/path").asString())
        .isEqualTo(
            PrometheusScrapeConfig.load().job("control-api").path("metrics_path").asString());

    JsonNode flinkAnnotations = flinkDeployment.at("/spec/podTemplate/metadata/annotations");
    assertThat(flinkAnnotations.path("prometheus.io/port").asString())
        .isEqualTo(String.valueOf(FlinkConfigFile.prometheusReporterPort()));
  }

  private static JsonNode manifest(String name) {
    return RepositoryFiles.yaml(DIR + name);
  }
}
