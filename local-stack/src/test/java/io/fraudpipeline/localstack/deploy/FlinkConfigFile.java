package io.fraudpipeline.localstack.deploy;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/** deploy/flink/config.yaml as Flink itself loads it (flattened keys, string values). */
final class FlinkConfigFile {

  static final String DIR = "deploy/flink";
  static final String FILE = DIR + "/config.yaml";

  private FlinkConfigFile() {}

  static Configuration load() {
    RepositoryFiles.path(FILE);
    return GlobalConfiguration.loadConfiguration(RepositoryFiles.path(DIR).toString());
  }

  static Map<String, String> asMap() {
    return new TreeMap<>(load().toMap());
  }

  static int restPort() {
    return Integer.parseInt(asMap().get("rest.port"));
  }

  static int prometheusReporterPort() {
    return Integer.parseInt(asMap().get("metrics.reporter.prom.port"));
  }
}
