package io.fraudpipeline.localstack;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the local stack runs and where.
 *
 * @param apiPort control-api HTTP port (0: any free one)
 * @param kafkaPort embedded broker port (0: any free one)
 * @param flinkPort embedded Flink REST API and web UI port (0: any free one)
 * @param flinkMetricsPort embedded Flink's Prometheus reporter port (0: any free one)
 * @param taskManagers embedded Flink TaskManagers
 * @param slotsPerTaskManager task slots of each embedded TaskManager
 * @param dataDir where Kafka's log, Flink's checkpoints and savepoints and the API token live
 * @param externalKafka bootstrap servers of a Kafka to use instead of the embedded broker
 * @param externalFlink REST URL of a Flink to use instead of the embedded cluster
 * @param apiToken the API token to use instead of the one kept in {@code dataDir}
 */
public record LocalStackOptions(
    int apiPort,
    int kafkaPort,
    int flinkPort,
    int flinkMetricsPort,
    int taskManagers,
    int slotsPerTaskManager,
    Path dataDir,
    Optional<String> externalKafka,
    Optional<String> externalFlink,
    Optional<String> apiToken) {

  public LocalStackOptions {
    externalKafka = externalKafka.filter(s -> !s.isBlank());
    externalFlink = externalFlink.filter(s -> !s.isBlank());
    apiToken = apiToken.filter(s -> !s.isBlank());
    dataDir = dataDir.toAbsolutePath().normalize();
    if (taskManagers < 1 || slotsPerTaskManager < 1) {
      throw new IllegalArgumentException("need at least one TaskManager with one slot");
    }
  }

  /** Any free ports, embedded Kafka and Flink, data in {@code dataDir}: for tests. */
  public static LocalStackOptions ephemeral(Path dataDir) {
    return new LocalStackOptions(
        0, 0, 0, 0, 1, 4, dataDir, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public boolean embedsKafka() {
    return externalKafka.isEmpty();
  }

  public boolean embedsFlink() {
    return externalFlink.isEmpty();
  }

  public LocalStackOptions withExternalKafka(String bootstrapServers) {
    return new LocalStackOptions(
        apiPort,
        kafkaPort,
        flinkPort,
        flinkMetricsPort,
        taskManagers,
        slotsPerTaskManager,
        dataDir,
        Optional.of(bootstrapServers),
        externalFlink,
        apiToken);
  }

  public LocalStackOptions withExternalFlink(String restUrl) {
    return new LocalStackOptions(
        apiPort,
        kafkaPort,
        flinkPort,
        flinkMetricsPort,
        taskManagers,
        slotsPerTaskManager,
        dataDir,
        externalKafka,
        Optional.of(restUrl),
        apiToken);
  }
}
