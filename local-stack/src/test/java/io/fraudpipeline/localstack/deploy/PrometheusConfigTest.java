package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusConfigTest {

  private final PrometheusScrapeConfig prometheus = PrometheusScrapeConfig.load();
  private final ComposeServices compose = ComposeServices.load();

  @Test
  void scrapesTheControlApisActuatorEndpoint() {
    assertThat(prometheus.job("control-api").path("metrics_path").asString())
        .isEqualTo("/actuator/prometheus");
    assertThat(prometheus.targets("control-api"))
        .containsExactly("control-api:" + compose.publishedContainerPorts("control-api").get(0));
  }

  @Test
  void scrapesTheReporterOfTheJobManagerAndEveryTaskManager() {
    int port = FlinkConfigFile.prometheusReporterPort();
    assertThat(prometheus.targets("flink-jobmanager")).containsExactly("jobmanager:" + port);
    assertThat(prometheus.targets("flink-taskmanager")).containsExactly("taskmanager:" + port);
    assertThat(compose.names()).contains("jobmanager", "taskmanager");
  }

  @Test
  void composeMountsThisFileWherePrometheusReadsIt() {
    assertThat(compose.volumes("prometheus"))
        .anySatisfy(
            v -> {
              assertThat(v[0]).isEqualTo("./" + PrometheusScrapeConfig.FILE);
              assertThat(v[1]).isEqualTo("/etc/prometheus/prometheus.yml");
            });
    assertThat(compose.service("prometheus").path("command").toString())
        .contains("--config.file=/etc/prometheus/prometheus.yml");
  }

  @Test
  void promtoolAcceptsTheFile() throws Exception {
    ExternalTool promtool = Prerequisite.tool("promtool", ".ci/run installs Prometheus");

    ExternalTool.Result result =
        promtool.run(
            RepositoryFiles.root(),
            "check",
            "config",
            "--syntax-only",
            PrometheusScrapeConfig.FILE);

    assertThat(result.exitCode()).as(result.output()).isZero();
  }
}
