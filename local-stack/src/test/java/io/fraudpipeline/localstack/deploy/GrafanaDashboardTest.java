package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class GrafanaDashboardTest {

  private final DashboardQueries dashboard = DashboardQueries.load();

  @Test
  void everyPanelQueriesTheProvisionedPrometheus() {
    JsonNode datasource =
        RepositoryFiles.yaml("deploy/grafana/provisioning/datasources/prometheus.yaml")
            .at("/datasources/0");
    assertThat(datasource.path("type").asString()).isEqualTo("prometheus");
    assertThat(datasource.path("url").asString())
        .isEqualTo(
            "http://prometheus:"
                + ComposeServices.load().publishedContainerPorts("prometheus").get(0));

    List<String> problems = new ArrayList<>();
    for (JsonNode panel : dashboard.panels()) {
      String title = panel.path("title").asString();
      if (panel.path("targets").isEmpty()) {
        problems.add(title + ": no query");
      }
      for (JsonNode target : panel.path("targets")) {
        if (target.path("expr").asString("").isBlank()) {
          problems.add(title + " " + target.path("refId").asString() + ": empty query");
        }
      }
      if (!datasource.path("uid").asString().equals(panel.at("/datasource/uid").asString())) {
        problems.add(title + ": datasource " + panel.path("datasource"));
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * Every control-api replica exports the same pipeline-wide gauges (offsets, rates, lag: each from
   * its own poller of the same topics), so a sum over replicas counts the pipeline once per
   * replica.
   */
  @Test
  void neverSumsAPipelineWideGaugeOverReplicas() {
    Pattern summedAcrossReplicas =
        Pattern.compile(
            "sum(\\s+by\\s*\\([^)]*\\))?\\s*\\(\\s*(rate\\()?(fraud_topic_|fraud_alerts_per_second|fraud_consumer_lag_)");
    assertThat(dashboard.queries())
        .isNotEmpty()
        .filteredOn(q -> summedAcrossReplicas.matcher(q.expr()).find())
        .extracting(DashboardQueries.Query::expr)
        .isEmpty();
  }

  /**
   * Every replica exports the control plane's gauges with its own {@code instance} label: a query
   * that does not aggregate them shows one tile per replica (probe 9 saw "Job state" and "Consumer
   * lag status" three times with three replicas).
   */
  @Test
  void aggregatesEveryControlPlaneGaugeOverReplicas() {
    assertThat(dashboard.queries())
        .filteredOn(q -> q.expr().strip().startsWith("fraud_"))
        .extracting(DashboardQueries.Query::expr)
        .isEmpty();
  }

  /**
   * The job's checkpoint counts start again at 0 with each new job (an upgrade, a rescale): {@code
   * delta} then goes negative, and it extrapolates a count into a fraction. {@code increase} takes
   * a drop for a reset; rounded, it is a count.
   */
  @Test
  void countsJobCountersAcrossJobReplacements() {
    assertThat(dashboard.queries())
        .filteredOn(q -> q.expr().contains("delta(fraud_job_"))
        .extracting(DashboardQueries.Query::expr)
        .isEmpty();
  }

  @Test
  void panelsHaveUniqueIdsAndDoNotOverlap() {
    Set<Integer> ids = new HashSet<>();
    Set<String> cells = new HashSet<>();
    for (JsonNode panel : dashboard.dashboard().path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique id " + panel.path("id")).isTrue();
      JsonNode grid = panel.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
      for (int x = grid.path("x").asInt();
          x < grid.path("x").asInt() + grid.path("w").asInt();
          x++) {
        for (int y = grid.path("y").asInt();
            y < grid.path("y").asInt() + grid.path("h").asInt();
            y++) {
          assertThat(cells.add(x + "," + y))
              .as(panel.path("title").asString() + " overlaps another panel at " + x + "," + y)
              .isTrue();
        }
      }
    }
  }

  @Test
  void showsEverythingTheOperationsGuideRefersTo() {
    List<String> titles = dashboard.panels().stream().map(p -> p.path("title").asString()).toList();
    assertThat(titles)
        .contains(
            "Job state",
            "Job uptime",
            "Restarts",
            "Transactions in / alerts out per second",
            "Alert ratio",
            "DLQ rate",
            "Consumer lag (records)",
            "Consumer lag (seconds)",
            "Checkpoint duration",
            "Checkpoint failures",
            "Rules version: desired vs applied",
            "Producer rate",
            "API latency",
            "Control plane events by reason",
            "Named rules: alerts per second",
            "Named rules: evaluations per second");
  }

  @Test
  void filtersOnlyOnTheWireContractsTopicNames() {
    assertThat(dashboard.topicsInQueries())
        .isNotEmpty()
        .isSubsetOf(
            Topics.TRANSACTIONS, Topics.FRAUD_ALERTS, Topics.TRANSACTIONS_DLQ, Topics.FRAUD_RULES);
  }

  @Test
  void extractsMetricNamesFromPromQl() {
    assertThat(
            DashboardQueries.metricNames(
                "sum by (uri) (rate(http_server_requests_seconds_sum{uri=~\"/api/.*\"}[5m]))"
                    + " / max(fraud_job_state == 1) - 2"))
        .containsExactly("fraud_job_state", "http_server_requests_seconds_sum");
  }

  @Test
  void usesOnlyMetricNamesTheControlApiDocuments() {
    MetricsDoc doc = MetricsDoc.load();
    Set<String> undocumented = new TreeSet<>();
    for (DashboardQueries.Query query : dashboard.queries()) {
      for (String name : DashboardQueries.metricNames(query.expr())) {
        if (name.startsWith("fraud_") && !doc.documents(name)) {
          undocumented.add(name + " (panel \"" + query.panelTitle() + "\")");
        }
      }
    }
    assertThat(undocumented).as("metric names not in docs/metrics.md").isEmpty();
  }

  @Test
  void promtoolParsesEveryQuery(@TempDir Path dir) throws Exception {
    ExternalTool promtool = Prerequisite.tool("promtool", ".ci/run installs Prometheus");

    // promtool has no "parse this expression" command, but it checks every expression of a rules
    // file: each query becomes a recording rule.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (DashboardQueries.Query query : dashboard.queries()) {
      rules
          .append("      - record: dashboard:panel_")
          .append(query.panelId())
          .append('_')
          .append(query.refId())
          .append("\n        expr: '")
          .append(query.expr().replace("'", "''"))
          .append("'\n");
    }
    Path file = Files.writeString(dir.resolve("dashboard-queries.yml"), rules);

    ExternalTool.Result result = promtool.run(dir, "check", "rules", file.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  /**
   * A replica that has just started reports UNKNOWN until it has seen enough offsets; while another
   * replica knows the status, the tile shows only that one (probe 10 saw UNKNOWN beside OK).
   * Evaluated by promtool on series as three replicas export them.
   */
  @Test
  void consumerLagStatusShowsWhatAReplicaKnowsOverAReplicaStillWarmingUp(@TempDir Path dir)
      throws Exception {
    ExternalTool promtool = Prerequisite.tool("promtool", ".ci/run installs Prometheus");
    String expr =
        dashboard.queries().stream()
            .filter(q -> q.panelTitle().equals("Consumer lag status"))
            .findFirst()
            .orElseThrow()
            .expr();
    Files.writeString(dir.resolve("none.yml"), "groups: []\n");
    String test =
        """
        rule_files: [none.yml]
        tests:
          - interval: 1m
            input_series:
              - {series: 'fraud_consumer_lag_status{instance="a",status="OK"}', values: '1 1'}
              - {series: 'fraud_consumer_lag_status{instance="a",status="UNKNOWN"}', values: '0 0'}
              - {series: 'fraud_consumer_lag_status{instance="b",status="OK"}', values: '0 0'}
              - {series: 'fraud_consumer_lag_status{instance="b",status="UNKNOWN"}', values: '1 1'}
            promql_expr_test:
              - expr: '%1$s'
                eval_time: 1m
                exp_samples: [{labels: '{status="OK"}', value: 1}]
          - interval: 1m
            input_series:
              - {series: 'fraud_consumer_lag_status{instance="b",status="OK"}', values: '0 0'}
              - {series: 'fraud_consumer_lag_status{instance="b",status="UNKNOWN"}', values: '1 1'}
            promql_expr_test:
              - expr: '%1$s'
                eval_time: 1m
                exp_samples: [{labels: '{status="UNKNOWN"}', value: 1}]
        """
            .formatted(expr.replace("'", "''"));
    Path file = Files.writeString(dir.resolve("lag-status-test.yml"), test);

    ExternalTool.Result result = promtool.run(dir, "test", "rules", file.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void grafanaLoadsTheDashboardFromWhereComposeMountsIt() {
    String providerPath =
        RepositoryFiles.yaml("deploy/grafana/provisioning/dashboards/fraud-pipeline.yaml")
            .at("/providers/0/options/path")
            .asString();
    assertThat(ComposeServices.load().volumes("grafana"))
        .anySatisfy(
            v -> {
              assertThat(v[0]).isEqualTo("./deploy/grafana/dashboards");
              assertThat(v[1]).isEqualTo(providerPath);
            })
        .anySatisfy(
            v -> {
              assertThat(v[0]).isEqualTo("./deploy/grafana/provisioning");
              assertThat(v[1]).isEqualTo("/etc/grafana/provisioning");
            });
    assertThat(dashboard.dashboard().path("uid").asString()).isEqualTo("fraud-pipeline-overview");
  }
}
