package io.fraudpipeline.localstack.deploy;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** deploy/prometheus/prometheus.yml, parsed. */
public final class PrometheusScrapeConfig {

  public static final String FILE = "deploy/prometheus/prometheus.yml";

  private final JsonNode root;

  private PrometheusScrapeConfig(JsonNode root) {
    this.root = root;
  }

  static PrometheusScrapeConfig load() {
    return new PrometheusScrapeConfig(RepositoryFiles.yaml(FILE));
  }

  JsonNode job(String name) {
    for (JsonNode job : root.path("scrape_configs")) {
      if (name.equals(job.path("job_name").asString())) {
        return job;
      }
    }
    throw new AssertionError(FILE + " has no scrape job " + name);
  }

  /** The rule files it loads, relative to its own directory. */
  List<String> ruleFiles() {
    List<String> files = new ArrayList<>();
    root.path("rule_files").forEach(f -> files.add(f.asString()));
    return files;
  }

  /** host:port targets of a job, static or DNS-discovered. */
  List<String> targets(String jobName) {
    JsonNode job = job(jobName);
    List<String> targets = new ArrayList<>();
    for (JsonNode config : job.path("static_configs")) {
      config.path("targets").forEach(t -> targets.add(t.asString()));
    }
    for (JsonNode config : job.path("dns_sd_configs")) {
      config
          .path("names")
          .forEach(n -> targets.add(n.asString() + ":" + config.path("port").asInt()));
    }
    return targets;
  }
}
