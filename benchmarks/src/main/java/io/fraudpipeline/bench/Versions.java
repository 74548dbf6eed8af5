package io.fraudpipeline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The versions of what was measured: Flink and Kafka as the running classes report them, the rest
 * as the build that made the job jar and the harness recorded them, and the git commit bench/run.sh
 * built them from.
 */
final class Versions {

  /** Set by bench/run.sh: the commit it built, with "-dirty" when the work tree had changes. */
  static final String COMMIT_PROPERTY = "fraud.bench.commit";

  private Versions() {}

  static Map<String, String> read() {
    Properties build = buildVersions();
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put(
        "fraud-pipeline (job jar, producer, harness)", build.getProperty("fraud-pipeline"));
    versions.put(
        "fraud-pipeline git commit",
        System.getProperty(COMMIT_PROPERTY, "unknown (not started by bench/run.sh)"));
    versions.put("Apache Flink (running cluster)", EnvironmentInformation.getVersion());
    versions.put("Apache Kafka (running broker and clients)", AppInfoParser.getVersion());
    versions.put(
        "flink-connector-kafka (built into the job jar)",
        build.getProperty("flink-connector-kafka"));
    versions.put("Java", System.getProperty("java.version"));
    return versions;
  }

  private static Properties buildVersions() {
    Properties props = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream("build-versions.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      // reported as unknown below
    }
    for (String key : new String[] {"fraud-pipeline", "flink-connector-kafka"}) {
      props.putIfAbsent(key, "unknown");
    }
    return props;
  }
}
