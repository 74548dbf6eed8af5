package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LocalStackCommandLineTest {

  @Test
  void defaultsToTheDocumentedPortsAndDataDirectory() {
    assumeTrue(
        System.getenv("SERVER_PORT") == null
            && System.getenv("FRAUD_DATA_DIR") == null
            && System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null
            && System.getenv("FLINK_REST_URL") == null,
        "the environment overrides the defaults");
    LocalStack command = new LocalStack();
    new CommandLine(command).parseArgs();

    assertThat(command.apiPort).isEqualTo(8080);
    assertThat(command.kafkaPort).isEqualTo(9092);
    assertThat(command.flinkPort).isEqualTo(8081);
    assertThat(command.flinkMetricsPort).isEqualTo(9249);
    assertThat(command.dataDir).isEqualTo(Path.of(".fraud-pipeline"));
    assertThat(command.externalKafka).isNull();
    assertThat(command.externalFlink).isNull();
  }

  @Test
  void flagsMovePortsAndPointAtExternalClusters() {
    LocalStack command = new LocalStack();
    new CommandLine(command)
        .parseArgs(
            "--api-port", "18080",
            "--kafka-port", "19092",
            "--flink-port", "18081",
            "--flink-metrics-port", "19249",
            "--data-dir", "/tmp/elsewhere",
            "--kafka-bootstrap-servers", "kafka:9092",
            "--flink-rest-url", "http://jobmanager:8081");

    assertThat(command.apiPort).isEqualTo(18080);
    assertThat(command.kafkaPort).isEqualTo(19092);
    assertThat(command.flinkPort).isEqualTo(18081);
    assertThat(command.flinkMetricsPort).isEqualTo(19249);
    assertThat(command.dataDir).isEqualTo(Path.of("/tmp/elsewhere"));
    assertThat(command.externalKafka).isEqualTo("kafka:9092");
    assertThat(command.externalFlink).isEqualTo("http://jobmanager:8081");
  }

  @Test
  void helpListsEveryOption() {
    String usage = new CommandLine(new LocalStack()).getUsageMessage();

    assertThat(usage)
        .contains("--api-port", "--kafka-port", "--flink-port", "--flink-metrics-port")
        .contains("--data-dir", "--kafka-bootstrap-servers", "--flink-rest-url")
        .contains("KAFKA_BOOTSTRAP_SERVERS", "FLINK_REST_URL");
  }
}
