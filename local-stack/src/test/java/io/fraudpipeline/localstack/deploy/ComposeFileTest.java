package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ComposeFileTest {

  /** Official images only: Docker Official Images or the projects' own publishers. */
  private static final Set<String> OFFICIAL_REPOSITORIES =
      Set.of("apache/kafka", "flink", "prom/prometheus", "grafana/grafana", "eclipse-temurin");

  private static final Pattern PINNED_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+[\\w.-]*");

  private final ComposeServices compose = ComposeServices.load();

  @Test
  void everyImageIsOfficialAndPinnedToAVersion() {
    List<String> problems = new ArrayList<>();
    for (String name : compose.names()) {
      JsonNode service = compose.service(name);
      if (service.has("build")) {
        continue; // our own image; its base images are checked below
      }
      checkImage(name, service.path("image").asString(), problems);
    }
    Matcher from =
        Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(RepositoryFiles.text(dockerfile()));
    while (from.find()) {
      checkImage(dockerfile(), from.group(1), problems);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void kafkaRunsInKraftModeWithoutZookeeper() {
    for (String name : compose.names()) {
      JsonNode service = compose.service(name);
      assertThat(name + service.path("image").asString() + service.path("environment"))
          .as(name)
          .doesNotContainIgnoringCase("zookeeper");
    }
    assertThat(compose.service("kafka").path("image").asString())
        .isEqualTo("apache/kafka:" + BuildVersions.kafkaVersion());
    assertThat(compose.env("kafka", "KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(compose.env("kafka", "KAFKA_CONTROLLER_QUORUM_VOTERS")).isNotBlank();
    assertThat(compose.env("kafka", "KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
  }

  @Test
  void flinkRunsTheBuildsFlinkVersionWithNothingAddedToLib() {
    for (String name : List.of("jobmanager", "taskmanager")) {
      assertThat(compose.service(name).path("image").asString())
          .isEqualTo("flink:" + BuildVersions.flinkVersion() + "-java17");
      assertThat(compose.service(name).has("build")).as(name + " uses the image as is").isFalse();
      for (String[] volume : compose.volumes(name)) {
        assertThat(volume[1]).as(name + " mounts").doesNotStartWith("/opt/flink/lib");
        assertThat(volume[1]).as(name + " mounts").doesNotStartWith("/opt/flink/plugins");
      }
      assertThat(compose.volumes(name))
          .as(name + " mounts deploy/flink/config.yaml read-only")
          .anySatisfy(
              v -> {
                assertThat(v[0]).isEqualTo("./" + FlinkConfigFile.FILE);
                assertThat(v).hasSize(3);
                assertThat(v[2]).isEqualTo("ro");
              });
      assertThat(compose.service(name).path("entrypoint").toString())
          .as(name + " copies the mounted config over conf/config.yaml before Flink's entrypoint")
          .contains("/opt/flink/conf/config.yaml")
          .contains("/docker-entrypoint.sh");
    }
  }

  @Test
  void jobManagerAndTaskManagerShareTheCheckpointVolume() {
    Map<String, String> flink = FlinkConfigFile.asMap();
    String checkpoints = URI.create(flink.get("execution.checkpointing.dir")).getPath();
    String savepoints = URI.create(flink.get("execution.checkpointing.savepoint-dir")).getPath();
    for (String name : List.of("jobmanager", "taskmanager")) {
      assertThat(compose.volumes(name))
          .as(name + " mounts a named volume above the checkpoint and savepoint dirs")
          .anySatisfy(
              v -> {
                assertThat(compose.root().path("volumes").has(v[0])).isTrue();
                assertThat(checkpoints).startsWith(v[1] + "/");
                assertThat(savepoints).startsWith(v[1] + "/");
              });
    }
  }

  @Test
  void controlApiReadsFlinksCheckpointsAndSavepointsWhereFlinkNamesThem() {
    // Without it the reconciler restores only the newest checkpoint it observed (possibly deleted
    // since) and cannot read a stop savepoint's offsets: alerts written twice after a redeploy.
    Map<String, String> flink = FlinkConfigFile.asMap();
    String checkpoints = URI.create(flink.get("execution.checkpointing.dir")).getPath();
    String savepoints = URI.create(flink.get("execution.checkpointing.savepoint-dir")).getPath();
    String[] flinkData =
        compose.volumes("jobmanager").stream()
            .filter(v -> checkpoints.startsWith(v[1] + "/"))
            .findFirst()
            .orElseThrow();
    assertThat(compose.volumes("control-api"))
        .as("control-api mounts the JobManager's checkpoint volume at the same path, read-only")
        .anySatisfy(
            v -> {
              assertThat(v[0]).isEqualTo(flinkData[0]);
              assertThat(checkpoints).startsWith(v[1] + "/");
              assertThat(savepoints).startsWith(v[1] + "/");
              assertThat(v).hasSize(3);
              assertThat(v[2]).isEqualTo("ro");
            });
  }

  @Test
  void startsInOrderOnlyOnceWhatItNeedsIsHealthy() {
    List<String> problems = new ArrayList<>();
    for (String name : compose.names()) {
      JsonNode service = compose.service(name);
      boolean oneShot = "no".equals(service.path("restart").asString(""));
      if (!oneShot && !service.has("healthcheck")) {
        problems.add(name + " has no healthcheck");
      }
      for (String dependency : service.path("depends_on").propertyNames()) {
        String condition = service.path("depends_on").path(dependency).path("condition").asString();
        boolean dependencyIsOneShot =
            "no".equals(compose.service(dependency).path("restart").asString(""));
        String expected =
            dependencyIsOneShot ? "service_completed_successfully" : "service_healthy";
        if (!expected.equals(condition)) {
          problems.add(name + " depends on " + dependency + " with " + condition);
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(compose.service("control-api").path("depends_on").propertyNames())
        .contains("kafka", "jobmanager");
    assertThat(compose.service("grafana").path("depends_on").propertyNames())
        .contains("prometheus");
  }

  @Test
  void controlApiManagesTheComposeKafkaAndFlink() {
    URI flink = URI.create(compose.env("control-api", "FLINK_REST_URL"));
    assertThat(flink.getHost()).isEqualTo("jobmanager");
    assertThat(flink.getPort()).isEqualTo(FlinkConfigFile.restPort());

    String bootstrap = compose.env("control-api", "KAFKA_BOOTSTRAP_SERVERS");
    assertThat(compose.env("kafka", "KAFKA_ADVERTISED_LISTENERS").split(","))
        .as("the control-api (and the job it deploys) use a listener Kafka advertises")
        .anySatisfy(listener -> assertThat(listener).endsWith("://" + bootstrap));
    assertThat(bootstrap).startsWith("kafka:");

    assertThat(compose.env("control-api", "FRAUD_API_TOKEN"))
        .as("the token comes from the environment (.env), never from the repository")
        .startsWith("${FRAUD_API_TOKEN");
  }

  @Test
  void publishesEveryUserFacingPortOnTheHost() {
    assertThat(compose.publishedContainerPorts("control-api")).containsExactly(8080);
    assertThat(compose.publishedContainerPorts("jobmanager"))
        .containsExactly(FlinkConfigFile.restPort());
    assertThat(compose.publishedContainerPorts("kafka")).containsExactly(9092);
    assertThat(compose.publishedContainerPorts("prometheus")).containsExactly(9090);
    assertThat(compose.publishedContainerPorts("grafana")).containsExactly(3000);
    assertThat(RepositoryFiles.text(dockerfile())).contains("EXPOSE 8080");
  }

  @Test
  void buildsTheControlApiFromItsOwnDockerfile() {
    JsonNode build = compose.service("control-api").path("build");
    assertThat(build.path("context").asString()).isEqualTo(".");
    assertThat(build.path("dockerfile").asString()).isEqualTo(dockerfile());
    assertThat(RepositoryFiles.text(dockerfile()))
        .contains("-pl control-api -am")
        .contains("control-api-*-exec.jar");
  }

  private static String dockerfile() {
    return "control-api/Dockerfile";
  }

  private static void checkImage(String where, String image, List<String> problems) {
    int colon = image.lastIndexOf(':');
    if (colon < 0) {
      problems.add(where + ": " + image + " has no tag");
      return;
    }
    String repository = image.substring(0, colon);
    String tag = image.substring(colon + 1);
    if (!OFFICIAL_REPOSITORIES.contains(repository)) {
      problems.add(where + ": " + repository + " is not an official image");
    }
    if (!PINNED_TAG.matcher(tag).matches()) {
      problems.add(where + ": " + image + " is not pinned to a x.y.z version");
    }
  }
}
