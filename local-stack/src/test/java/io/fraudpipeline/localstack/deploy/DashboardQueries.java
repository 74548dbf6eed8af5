package io.fraudpipeline.localstack.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** The Grafana dashboard's panels and the PromQL queries behind them. */
public final class DashboardQueries {

  public static final String FILE = "deploy/grafana/dashboards/fraud-pipeline-overview.json";

  /** One query of one panel. */
  public record Query(int panelId, String panelTitle, String refId, String expr) {}

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset");

  private final JsonNode dashboard;

  private DashboardQueries(JsonNode dashboard) {
    this.dashboard = dashboard;
  }

  public static DashboardQueries load() {
    return new DashboardQueries(RepositoryFiles.json(FILE));
  }

  JsonNode dashboard() {
    return dashboard;
  }

  /** Every panel that shows data (rows are only headings). */
  List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (!"row".equals(panel.path("type").asString())) {
        panels.add(panel);
      }
      panel.path("panels").forEach(panels::add); // panels of collapsed rows
    }
    return panels;
  }

  public List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            new Query(
                panel.path("id").asInt(),
                panel.path("title").asString(),
                target.path("refId").asString(),
                target.path("expr").asString("")));
      }
    }
    return queries;
  }

  /** The metric names a PromQL expression selects (functions, keywords and labels removed). */
  static Set<String> metricNames(String expr) {
    String stripped =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(stripped);
    while (m.find()) {
      String token = m.group();
      int next = m.end();
      while (next < stripped.length() && Character.isWhitespace(stripped.charAt(next))) {
        next++;
      }
      boolean isFunction = next < stripped.length() && stripped.charAt(next) == '(';
      if (!isFunction && !KEYWORDS.contains(token)) {
        names.add(token);
      }
    }
    return names;
  }

  /** Topic names the queries filter on ({@code topic="..."}). */
  Set<String> topicsInQueries() {
    Set<String> topics = new TreeSet<>();
    Pattern topic = Pattern.compile("topic\\s*=\\s*\"([^\"]+)\"");
    for (Query query : queries()) {
      Matcher m = topic.matcher(query.expr());
      while (m.find()) {
        topics.add(m.group(1));
      }
    }
    return topics;
  }
}
