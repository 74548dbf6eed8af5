package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.flink.FlinkProperties;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack with its real parts: a KRaft broker, a Flink MiniCluster and the control-api. One
 * stack is shared by the class (start-up dominates the cost); the last test restarts it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunningStackTest {

  // Generous: a first request (e.g. the OpenAPI document) is slow on a busy CI machine, and a
  // timeout here would say nothing about the stack.
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TOPIC = "kept-across-restarts";

  @TempDir static Path dataDir;
  private static RunningStack stack;

  @BeforeAll
  static void startStack() {
    stack = RunningStack.start(LocalStackOptions.ephemeral(dataDir));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void runsKafkaFlinkWithItsWebUiAndMetricsAndTheControlApiPointedAtThem() throws Exception {
    assertThat(stack.kafkaEmbedded()).isTrue();
    assertThat(stack.flinkEmbedded()).isTrue();
    assertThat(get(stack.apiUrl() + "/actuator/health/liveness").statusCode()).isEqualTo(200);
    assertThat(get(stack.apiUrl() + "/v3/api-docs").statusCode()).isEqualTo(200);
    assertThat(get(stack.flinkRestUrl() + "/overview").body())
        .contains("\"taskmanagers\":1")
        .contains("\"slots-total\":4");
    assertThat(get(stack.flinkRestUrl() + "/").body()).contains("<html");
    assertThat(get(stack.flinkMetricsUrl().orElseThrow()).body())
        .contains("flink_jobmanager_numRegisteredTaskManagers");

    assertThat(controlApiFlinkUrl(stack)).isEqualTo(stack.flinkRestUrl());
    assertThat(controlApiKafka(stack)).isEqualTo(stack.kafkaBootstrapServers());
    assertThat(stack.controlApiContext().getEnvironment().getProperty("fraud.security.api-token"))
        .isEqualTo(stack.apiToken().value());
    try (var jars = Files.list(dataDir.resolve(RunningStack.JARS_DIR))) {
      assertThat(jars.map(jar -> jar.getFileName().toString()))
          .as("the shipped job jar is kept in the data directory's jar store")
          .anyMatch(name -> name.endsWith(".jar"));
    }

    try (Admin admin = admin(stack.kafkaBootstrapServers())) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }
    try (KafkaProducer<String, String> producer = producer(stack.kafkaBootstrapServers())) {
      producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get();
    }
  }

  @Test
  @Order(2)
  void withExternalKafkaAndFlinkStartsNeitherAndManagesThoseInstead(@TempDir Path otherDataDir)
      throws Exception {
    LocalStackOptions external =
        LocalStackOptions.ephemeral(otherDataDir)
            .withExternalKafka(stack.kafkaBootstrapServers())
            .withExternalFlink(stack.flinkRestUrl());

    try (RunningStack controlApiOnly = RunningStack.start(external)) {
      assertThat(controlApiOnly.kafkaEmbedded()).isFalse();
      assertThat(controlApiOnly.flinkEmbedded()).isFalse();
      assertThat(controlApiOnly.flinkMetricsUrl()).isEmpty();
      assertThat(controlApiFlinkUrl(controlApiOnly)).isEqualTo(stack.flinkRestUrl());
      assertThat(controlApiKafka(controlApiOnly)).isEqualTo(stack.kafkaBootstrapServers());
      assertThat(get(controlApiOnly.apiUrl() + "/actuator/health/liveness").statusCode())
          .isEqualTo(200);
      assertThat(otherDataDir.resolve(RunningStack.KAFKA_DIR)).doesNotExist();
      assertThat(otherDataDir.resolve(RunningStack.FLINK_DIR)).doesNotExist();
    }
    assertThat(get(stack.flinkRestUrl() + "/overview").statusCode())
        .as("stopping it leaves the clusters it managed running")
        .isEqualTo(200);
  }

  @Test
  @Order(3)
  void aSecondLocalStackOnTheSameDataDirectoryIsRefusedBeforeItStartsAnything(@TempDir Path scratch)
      throws Exception {
    Path stderr = scratch.resolve("second-stack.err");
    Process second =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LocalStack.class.getName(),
                "--data-dir=" + dataDir,
                "--api-port=0",
                "--kafka-port=0",
                "--flink-port=0",
                "--flink-metrics-port=0")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile())
            .start();
    try {
      assertThat(second.waitFor(2, TimeUnit.MINUTES)).as("the second stack exits").isTrue();
      assertThat(second.exitValue()).isEqualTo(2);
      assertThat(java.nio.file.Files.readString(stderr))
          .contains("The data directory " + dataDir + " is in use by another local stack")
          .contains("pid " + ProcessHandle.current().pid())
          .contains("--data-dir");
    } finally {
      second.destroyForcibly();
    }
    assertThat(get(stack.apiUrl() + "/actuator/health/liveness").statusCode())
        .as("the running stack carries on")
        .isEqualTo(200);
  }

  @Test
  @Order(4)
  void stopsEverythingAndARestartOnTheSameDataKeepsTopicsRecordsAndToken() throws Exception {
    String apiUrl = stack.apiUrl();
    String flinkUrl = stack.flinkRestUrl();
    String token = stack.apiToken().value();

    stack.close();

    assertThatThrownBy(() -> get(apiUrl + "/actuator/health"))
        .as("the control-api is stopped")
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> get(flinkUrl + "/overview"))
        .as("Flink is stopped")
        .isInstanceOf(ConnectException.class);

    stack = RunningStack.start(LocalStackOptions.ephemeral(dataDir));

    assertThat(stack.apiToken().value()).isEqualTo(token);
    assertThat(stack.apiToken().source()).isEqualTo(ApiTokenStore.Source.STORED);
    try (Admin admin = admin(stack.kafkaBootstrapServers())) {
      assertThat(admin.listTopics().names().get()).contains(TOPIC);
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      assertThat(
              admin
                  .listOffsets(Map.of(partition, OffsetSpec.latest()))
                  .partitionResult(partition)
                  .get()
                  .offset())
          .isEqualTo(1);
    }
    assertThat(dataDir.resolve(RunningStack.FLINK_DIR).resolve("savepoints")).isDirectory();
  }

  private static String controlApiFlinkUrl(RunningStack running) {
    return running.controlApiContext().getBean(FlinkProperties.class).restUrl().toString();
  }

  private static String controlApiKafka(RunningStack running) {
    return running
        .controlApiContext()
        .getEnvironment()
        .getProperty("spring.kafka.bootstrap-servers");
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            (int) TimeUnit.SECONDS.toMillis(30)),
        new StringSerializer(),
        new StringSerializer());
  }
}
