package io.fraudpipeline.localstack;

import io.fraudpipeline.localstack.deploy.PrometheusScrapeConfig;
import io.fraudpipeline.localstack.deploy.RepositoryFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A real Prometheus server (Debian's binary) scraping the local stack with the repository's scrape
 * configuration: same jobs and metrics paths, targets moved from compose service names to the local
 * stack's ports, and the same alerting rules.
 */
final class LocalPrometheus implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final String url;

  private LocalPrometheus(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /**
   * Starts Prometheus on a free port.
   *
   * @param targets host:port per scrape job name of deploy/prometheus/prometheus.yml
   */
  static LocalPrometheus start(Path binary, Path workDir, Map<String, List<String>> targets)
      throws IOException, InterruptedException {
    ObjectNode config = (ObjectNode) RepositoryFiles.yaml(PrometheusScrapeConfig.FILE);
    // Flink's reporter serves close to 1 MB once a job runs: allow it a few seconds.
    ((ObjectNode) config.path("global"))
        .put("scrape_interval", "5s")
        .put("scrape_timeout", "5s")
        .put("evaluation_interval", "5s");
    for (JsonNode job : config.path("scrape_configs")) {
      ObjectNode scrape = (ObjectNode) job;
      List<String> hostPorts = targets.get(scrape.path("job_name").asString());
      if (hostPorts == null) {
        throw new IllegalArgumentException("no target for scrape job " + scrape.path("job_name"));
      }
      scrape.remove("dns_sd_configs");
      ArrayNode staticConfigs = scrape.putArray("static_configs");
      ArrayNode list = staticConfigs.addObject().putArray("targets");
      hostPorts.forEach(list::add);
    }
    Path configFile = workDir.resolve("prometheus.yml");
    // Rule files are named relative to the config (compose mounts them beside it).
    Path configDir = RepositoryFiles.root().resolve(PrometheusScrapeConfig.FILE).getParent();
    for (JsonNode ruleFile : config.path("rule_files")) {
      Files.copy(configDir.resolve(ruleFile.asString()), workDir.resolve(ruleFile.asString()));
    }
    Files.writeString(configFile, new YAMLMapper().writeValueAsString(config));
    int port = PortCheck.anyFree();
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("prometheus.log").toFile())
            .start();
    LocalPrometheus prometheus = new LocalPrometheus(process, "http://127.0.0.1:" + port);
    prometheus.awaitReady();
    return prometheus;
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited with " + process.exitValue());
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("prometheus not ready within 60 s");
  }

  /** How many series an instant query returns. */
  int seriesCount(String promQl) throws IOException, InterruptedException {
    HttpResponse<String> response =
        get("/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(response.body());
    if (!"success".equals(body.path("status").asString())) {
      throw new IllegalStateException(promQl + ": " + response.body());
    }
    return body.at("/data/result").size();
  }

  /** Rules that have not been evaluated yet or whose last evaluation failed, with why. */
  List<String> rulesNotEvaluatedWell() throws IOException, InterruptedException {
    List<String> problems = new ArrayList<>();
    JsonNode body = JSON.readTree(get("/api/v1/rules").body());
    for (JsonNode group : body.at("/data/groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (!"ok".equals(rule.path("health").asString())) {
          problems.add(
              rule.path("name").asString()
                  + ": "
                  + rule.path("health").asString()
                  + " "
                  + rule.path("lastError").asString(""));
        }
      }
    }
    if (body.at("/data/groups").isEmpty()) {
      problems.add("no rule group loaded");
    }
    return problems;
  }

  /** Alerts pending or firing, as {@code name state labels}. */
  List<String> activeAlerts() throws IOException, InterruptedException {
    List<String> alerts = new ArrayList<>();
    for (JsonNode alert : JSON.readTree(get("/api/v1/alerts").body()).at("/data/alerts")) {
      alerts.add(
          alert.at("/labels/alertname").asString()
              + " "
              + alert.path("state").asString()
              + " "
              + alert.path("labels"));
    }
    return alerts;
  }

  /** Scrape targets and their health, for failure messages. */
  String targets() throws IOException, InterruptedException {
    return get("/api/v1/targets").body();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
