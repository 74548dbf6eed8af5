package io.fraudpipeline.localstack.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** deploy/prometheus/alerts.yml, the alerting rules prometheus.yml loads. */
public final class AlertRules {

  public static final String FILE = "deploy/prometheus/alerts.yml";

  /** One alerting rule. */
  public record Alert(String name, String expr, String severity, Map<String, String> annotations) {

    /** The metric names its expression selects. */
    public Set<String> metricNames() {
      return DashboardQueries.metricNames(expr);
    }
  }

  private final JsonNode root;

  private AlertRules(JsonNode root) {
    this.root = root;
  }

  public static AlertRules load() {
    return new AlertRules(RepositoryFiles.yaml(FILE));
  }

  public List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (!rule.has("alert")) {
          continue;
        }
        Map<String, String> annotations = new TreeMap<>();
        rule.path("annotations")
            .properties()
            .forEach(e -> annotations.put(e.getKey(), e.getValue().asString()));
        alerts.add(
            new Alert(
                rule.path("alert").asString(),
                rule.path("expr").asString(),
                rule.at("/labels/severity").asString(""),
                annotations));
      }
    }
    return alerts;
  }

  /** Every metric name the alerts' expressions select. */
  public Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    alerts().forEach(a -> names.addAll(a.metricNames()));
    return names;
  }

  /**
   * The rules as YAML without their annotations: promtool's unit tests compare an alert's
   * annotations too, and they are checked apart.
   */
  String withoutAnnotations() {
    JsonNode copy = root.deepCopy();
    for (JsonNode group : copy.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        ((ObjectNode) rule).remove("annotations");
      }
    }
    return new YAMLMapper().writeValueAsString(copy);
  }
}
