package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged main artifact is the job jar a stock Flink 2.2 cluster runs with nothing added to
 * its lib/: the job, the wire contract, Jackson 3, the Kafka connector and kafka-clients inside;
 * Flink itself and any logging binding left out.
 */
class ShadedJarIT {

  private static List<String> entries;
  private static Map<String, LocalDateTime> ownEntryTimes;
  private static String mainClass;

  @BeforeAll
  static void readJar() throws Exception {
    Path jar = Path.of(System.getProperty("fraud.job.jar", "target/fraud-job-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).exists();
    assertThat(Files.size(jar)).isGreaterThan(5_000_000L);
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = file.stream().map(ZipEntry::getName).toList();
      ownEntryTimes =
          file.stream()
              .filter(e -> isBuiltHere(e.getName()))
              .collect(Collectors.toMap(ZipEntry::getName, ZipEntry::getTimeLocal));
      mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  @Test
  void namesTheJobAsMainClass() {
    assertThat(mainClass).isEqualTo(FraudDetectionJob.class.getName());
  }

  @Test
  void containsTheJobTheWireContractAndJackson3() {
    assertThat(entries)
        .contains(
            "io/fraudpipeline/job/FraudDetectionJob.class",
            "io/fraudpipeline/model/FraudJson.class",
            "tools/jackson/databind/ObjectMapper.class",
            "com/fasterxml/jackson/annotation/JsonInclude.class");
  }

  @Test
  void containsTheKafkaConnectorAndKafkaClients() {
    assertThat(entries)
        .contains(
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/flink/connector/kafka/sink/KafkaSink.class",
            "org/apache/kafka/clients/consumer/KafkaConsumer.class",
            "org/apache/kafka/clients/producer/KafkaProducer.class",
            "org/apache/kafka/common/serialization/ByteArrayDeserializer.class");
  }

  @Test
  void leavesOutFlinkItselfAndLoggingBindings() {
    assertThat(entries)
        .noneMatch(
            e ->
                e.startsWith("org/apache/flink/streaming/api/")
                    || e.startsWith("org/apache/flink/api/")
                    || e.startsWith("org/apache/flink/runtime/")
                    || e.startsWith("org/apache/flink/core/")
                    || e.startsWith("org/apache/flink/configuration/")
                    || e.startsWith("org/apache/flink/connector/base/")
                    || e.startsWith("org/apache/flink/shaded/")
                    || e.startsWith("org/slf4j/")
                    || e.startsWith("org/apache/logging/")
                    || e.startsWith("org/apache/log4j/")
                    || e.startsWith("ch/qos/logback/"));
  }

  /**
   * The control plane names the job jar by its SHA-256, so a jar whose entries carry the build's
   * clock makes a replica rebuilt from the same commit report an upgrade. The entries this project
   * compiles must carry the fixed {@code project.build.outputTimestamp} instead (the merged
   * dependencies keep the times of their released jars).
   */
  @Test
  void entriesBuiltHereCarryTheFixedOutputTimestampNotTheBuildTime() {
    String configured = System.getProperty("project.build.outputTimestamp", "");
    assertThat(configured)
        .as("project.build.outputTimestamp, passed by failsafe")
        .matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    // Zip entries hold a local date and time, written as the UTC one of the timestamp.
    LocalDateTime expected = LocalDateTime.ofInstant(Instant.parse(configured), ZoneOffset.UTC);
    assertThat(ownEntryTimes)
        .containsKeys("io/fraudpipeline/job/FraudDetectionJob.class", "META-INF/MANIFEST.MF")
        .allSatisfy((name, time) -> assertThat(time).as(name).isEqualTo(expected));
  }

  private static boolean isBuiltHere(String name) {
    return name.startsWith("io/fraudpipeline/")
        || name.startsWith("META-INF/maven/io.fraudpipeline/")
        || name.equals("META-INF/MANIFEST.MF");
  }
}
