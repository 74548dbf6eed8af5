package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class AlertRulesTest {

  /** promtool unit tests of the rules: a case where each alert fires, one where it must not. */
  private static final String UNIT_TESTS = "/prometheus/alerts-test.yml";

  private static final Pattern OPERATIONS_ANCHOR =
      Pattern.compile("docs/operations\\.md#([a-z0-9-]+)");

  private final AlertRules rules = AlertRules.load();

  @Test
  void prometheusLoadsTheRulesBesideItsConfigAndComposeMountsThemThere() {
    assertThat(PrometheusScrapeConfig.load().ruleFiles()).containsExactly("alerts.yml");
    assertThat(ComposeServices.load().volumes("prometheus"))
        .anySatisfy(
            v -> {
              assertThat(v[0]).isEqualTo("./" + AlertRules.FILE);
              assertThat(v[1]).isEqualTo("/etc/prometheus/alerts.yml");
            });
  }

  @Test
  void promtoolChecksTheConfigWithItsRuleFiles() throws Exception {
    ExternalTool promtool = Prerequisite.tool("promtool", ".ci/run installs Prometheus");

    // Without --syntax-only: the rule files named in the config are read and checked too.
    ExternalTool.Result result =
        promtool.run(RepositoryFiles.root(), "check", "config", PrometheusScrapeConfig.FILE);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("1 rule files found");
  }

  @Test
  void promtoolChecksTheRules() throws Exception {
    ExternalTool promtool = Prerequisite.tool("promtool", ".ci/run installs Prometheus");

    ExternalTool.Result result =
        promtool.run(RepositoryFiles.root(), "check", "rules", AlertRules.FILE);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains(rules.alerts().size() + " rules found");
  }

  @Test
  void everyAlertFiresInItsUnitTestAndStaysQuietInAnother(@TempDir Path dir) throws Exception {
    ExternalTool promtool = Prerequisite.tool("promtool", ".ci/run installs Prometheus");
    Files.writeString(dir.resolve("alerts.yml"), rules.withoutAnnotations());
    Path tests = dir.resolve("alerts-test.yml");
    try (InputStream in = AlertRulesTest.class.getResourceAsStream(UNIT_TESTS)) {
      Files.write(tests, in.readAllBytes());
    }

    ExternalTool.Result result = promtool.run(dir, "test", "rules", tests.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    Set<String> names = new TreeSet<>(rules.alerts().stream().map(AlertRules.Alert::name).toList());
    assertThat(testedAlerts(tests, true)).as("alerts with a firing case").isEqualTo(names);
    assertThat(testedAlerts(tests, false)).as("alerts with a quiet case").isEqualTo(names);
  }

  @Test
  void everyAlertHasASeverityASummaryAndADescriptionThatSaysWhereToLook() {
    Set<String> anchors = headingAnchors(RepositoryFiles.text("docs/operations.md"));
    List<String> problems = new ArrayList<>();
    for (AlertRules.Alert alert : rules.alerts()) {
      if (!Set.of("critical", "warning").contains(alert.severity())) {
        problems.add(alert.name() + ": severity '" + alert.severity() + "'");
      }
      if (alert.annotations().getOrDefault("summary", "").isBlank()) {
        problems.add(alert.name() + ": no summary");
      }
      String description = alert.annotations().getOrDefault("description", "");
      if (!description.contains("/api/v1/") && !description.contains("/actuator/")) {
        problems.add(alert.name() + ": the description names no endpoint to look at");
      }
      Matcher anchor = OPERATIONS_ANCHOR.matcher(description);
      if (!anchor.find()) {
        problems.add(alert.name() + ": the description names no docs/operations.md section");
      }
      anchor.reset();
      while (anchor.find()) {
        if (!anchors.contains(anchor.group(1))) {
          problems.add(alert.name() + ": docs/operations.md has no section #" + anchor.group(1));
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void usesOnlyMetricNamesTheControlApiDocuments() {
    MetricsDoc doc = MetricsDoc.load();
    assertThat(rules.metricNames())
        .filteredOn(name -> name.startsWith("fraud_"))
        .isNotEmpty()
        .filteredOn(name -> !doc.documents(name))
        .as("metric names not in docs/metrics.md")
        .isEmpty();
  }

  @Test
  void theMetricsGuideTablesEveryAlert() {
    String doc = MetricsDoc.load().text();
    assertThat(rules.alerts())
        .extracting(AlertRules.Alert::name)
        .filteredOn(name -> !doc.contains("| `" + name + "` |"))
        .as("alerts missing from the table of docs/metrics.md#alerts")
        .isEmpty();
  }

  /** Names of the alerts a promtool test file expects to fire ({@code firing}) or to be quiet. */
  private static Set<String> testedAlerts(Path testFile, boolean firing) throws IOException {
    JsonNode file = new YAMLMapper().readTree(testFile.toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode test : file.path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        if (check.path("exp_alerts").isEmpty() != firing) {
          names.add(check.path("alertname").asString());
        }
      }
    }
    return names;
  }

  /** The anchors GitHub gives a Markdown file's headings. */
  private static Set<String> headingAnchors(String markdown) {
    Set<String> anchors = new TreeSet<>();
    boolean inCode = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("```")) {
        inCode = !inCode;
      } else if (!inCode && line.startsWith("#")) {
        anchors.add(
            line.replaceFirst("^#+\\s*", "")
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-'));
      }
    }
    return anchors;
  }
}
