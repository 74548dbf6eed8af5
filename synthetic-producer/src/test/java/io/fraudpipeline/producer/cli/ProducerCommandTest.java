package io.fraudpipeline.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.producer.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line as a user meets it: arguments, messages, exit codes, against a real broker. */
class ProducerCommandTest {

  private static LocalKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = SharedKafka.get();
  }

  private record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = ProducerCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private static long recordsOn(String topic) {
    Map<String, Object> config =
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Test
  void helpListsEveryOptionAndExitsZero() {
    Result result = run("--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains(
            "--bootstrap-servers",
            "--topic",
            "--rate",
            "--count",
            "--duration",
            "--fraud-ratio",
            "--velocity-share",
            "--malformed-ratio",
            "--seed",
            "--start-time",
            "--accounts",
            "--merchants",
            "--amount-threshold",
            "--velocity-max",
            "--velocity-window",
            "--burst-size",
            "--pattern-share",
            "--max-in-flight",
            "--producer-property",
            "--progress",
            "--dry-run",
            "default: 1000",
            "Exit status");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "--frobnicate|Unknown option: '--frobnicate'",
        "--rate fast|'fast' is not a rate",
        "--rate -5|rate must be between 1 and 10000000 records/s, or 0 for as fast as possible",
        "--count 0|count must be at least 1, got 0",
        "--duration 5parsecs|'5parsecs' is not a duration",
        "--fraud-ratio 1.5|fraud ratio must be between 0 and 1, got 1.5",
        "--fraud-ratio 0.7 --malformed-ratio 0.5|fraud ratio plus malformed ratio must not exceed 1",
        "--rate 50000 --accounts 1000|legit traffic needs at least 600100 accounts",
        "--burst-size 5|burst size must be more than the velocity max transactions (10)",
        "--pattern-share 2|pattern share must be between 0 and 1, got 2.0",
        "--topic bad/name|is not a valid Kafka topic name",
        "--start-time yesterday|Invalid value for option '--start-time'",
        "--dry-run|--dry-run needs --count",
        "-X acks=sometimes --count 1|cannot create the Kafka producer",
      })
  void badArgumentsGiveOneClearMessageAndExitTwo(String args, String message) {
    Result result = run(args.split(" "));
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err()).startsWith("error: ").contains(message);
    assertThat(result.err().lines()).hasSize(2);
    assertThat(result.err()).contains("Try 'synthetic-producer --help'");
  }

  @Test
  void aDryRunReportsLabelsAndGeneratorThroughputWithoutKafka() {
    Result result =
        run("--dry-run", "--count", "20000", "--malformed-ratio", "0.1", "--fraud-ratio", "0.05");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("dry run: generated 20,000 records")
        .contains("records/s")
        .contains("legit ")
        .contains("high_amount ")
        .contains("velocity_burst ")
        .contains("oversized ");
  }

  @Test
  void aDryRunWithAPatternShareMakesMerchantSpreesAndSplitPayments() {
    Result result =
        run(
            "--dry-run",
            "--count",
            "20000",
            "--fraud-ratio",
            "0.1",
            "--velocity-share",
            "1",
            "--pattern-share",
            "1");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("merchant_spree ")
        .contains("split_payments ")
        .doesNotContain("velocity_burst ");
  }

  @Test
  void sendsACountBoundedRunAndExitsZeroWhenEveryRecordIsAcknowledged() {
    String topic = "cli-count";
    kafka.createTopic(topic, 2, Map.of());
    Result result =
        run(
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--topic", topic,
            "--rate", "max",
            "--count", "5000",
            "--fraud-ratio", "0.02",
            "--seed", "42",
            "--start-time", "2025-01-01T00:00:00Z",
            "--progress", "lines");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).contains("sending to cli-count at " + kafka.bootstrapServers());
    assertThat(result.out())
        .contains("COMPLETED after ")
        .contains("sent 5,000, acknowledged 5,000, failed 0")
        .contains("same records again: --seed 42 --start-time 2025-01-01T00:00:00Z");
    assertThat(recordsOn(topic)).isEqualTo(5000);
  }

  @Test
  void printsPlainProgressLinesForADurationBoundedPacedRun() {
    String topic = "cli-duration";
    kafka.createTopic(topic, 1, Map.of());
    Result result =
        run(
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--topic", topic,
            "--rate", "400",
            "--duration", "3s",
            "--progress", "lines",
            "--progress-interval", "1s");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err().lines().filter(l -> l.matches("00:00:0\\d RUNNING .*rate .*/s")))
        .hasSizeGreaterThanOrEqualTo(2);
    long sent = recordsOn(topic);
    // Paced: about 400/s for 3 s; never more than the rate allows.
    assertThat(sent).isBetween(400L, 1_205L);
    assertThat(result.out()).contains("acknowledged " + String.format("%,d", sent));
  }

  @Test
  void exitsOneWhenKafkaRejectsARecord() {
    String topic = "cli-fail";
    kafka.createTopic(topic, 1, Map.of());
    Result result =
        run(
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--topic", topic,
            "--rate", "max",
            "--count", "5000",
            "--malformed-ratio", "0.3",
            "-X", "max.request.size=20000",
            "--progress", "none");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("FAILED after ")
        .contains("last error: RecordTooLargeException");
  }

  @Test
  void parsesDurationsInEveryDocumentedForm() {
    DurationConverter converter = new DurationConverter();
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(converter.convert("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(converter.convert("PT45S")).isEqualTo(Duration.ofSeconds(45));
  }
}
