package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * compose.yaml as Docker Compose itself reads it. There is no Docker engine here, but {@code
 * config} only parses, validates against the schema and resolves the file.
 */
class DockerComposeConfigTest {

  @Test
  void dockerComposeAcceptsTheComposeFile() throws Exception {
    ExternalTool dockerCompose =
        Prerequisite.tool("docker-compose", "`apt-get install -y docker-compose`; .ci/run does");

    ExternalTool.Result result =
        dockerCompose.run(RepositoryFiles.root(), "-f", ComposeServices.FILE, "config", "-q");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).as("warnings").isBlank();
  }

  @Test
  void dockerComposeResolvesEveryServiceAndVolume() throws Exception {
    ExternalTool dockerCompose =
        Prerequisite.tool("docker-compose", "`apt-get install -y docker-compose`; .ci/run does");

    ExternalTool.Result services =
        dockerCompose.run(
            RepositoryFiles.root(), "-f", ComposeServices.FILE, "config", "--services");
    ExternalTool.Result volumes =
        dockerCompose.run(
            RepositoryFiles.root(), "-f", ComposeServices.FILE, "config", "--volumes");

    assertThat(services.output().lines())
        .containsExactlyInAnyOrderElementsOf(ComposeServices.load().names());
    assertThat(volumes.output().lines())
        .containsExactlyInAnyOrderElementsOf(
            ComposeServices.load().root().path("volumes").propertyNames());
  }
}
