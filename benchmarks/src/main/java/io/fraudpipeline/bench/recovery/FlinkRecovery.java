package io.fraudpipeline.bench.recovery;

import io.fraudpipeline.bench.leadership.ReplicaProcess;
import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.embedded.FreePorts;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * How long the control plane takes to bring the fraud job back after its Flink cluster is lost: a
 * real KRaft broker and a real Flink session cluster in this JVM, the control-api in a JVM of its
 * own (as deployed). The job is declared running once; each round closes the Flink cluster (every
 * job gone, as after a JobManager restart without HA), starts a fresh one on the same port and
 * checkpoint storage, and measures from the moment its REST API answers to the moment the control
 * plane reports a new fraud job RUNNING, with no API call in between. Prints every round, the
 * median and the max. A measurement, not a test: nothing here asserts a time.
 */
@Command(
    name = "bench/flink-recovery.sh",
    mixinStandardHelpOptions = true,
    description = "Measures from Flink reachable again to the fraud job RUNNING.")
public final class FlinkRecovery implements Callable<Integer> {

  @Option(names = "--rounds", defaultValue = "5", description = "Default: 5")
  int rounds;

  @Option(
      names = "--control-api-jar",
      defaultValue = "benchmarks/target/control-api.jar",
      description = "Default: benchmarks/target/control-api.jar")
  Path jar;

  @Option(
      names = "--work-dir",
      defaultValue = "benchmarks/target/flink-recovery",
      description = "Kafka and Flink data, the control-api's log. Default: %DEFAULT-VALUE%")
  Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FlinkRecovery()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(workDir);
    Path run = Files.createTempDirectory(workDir.toAbsolutePath(), "run-");
    String prefix = "recovery-";
    String token = UUID.randomUUID().toString();
    int flinkPort = FreePorts.find();
    List<Duration> recoveries = new ArrayList<>();
    try (LocalKafka kafka = LocalKafka.start(0, run.resolve("kafka"))) {
      for (String topic : List.of("transactions", "fraud-alerts", "transactions-dlq")) {
        kafka.createTopic(prefix + topic, 2, Map.of());
      }
      kafka.createTopic(prefix + "fraud-rules", 1, Map.of("cleanup.policy", "compact"));
      LocalFlink flink = startFlink(flinkPort, run.resolve("flink"));
      try (ReplicaProcess control =
          ReplicaProcess.start(
              jar,
              kafka.bootstrapServers(),
              flink.restUrl(),
              token,
              prefix,
              "recovery",
              Duration.ofSeconds(10),
              run.resolve("logs"))) {
        control.awaitLeading(Duration.ofMinutes(3));
        String deployed = post(control, "/api/v1/jobs", "{\"parallelism\": 1}", token);
        say("deployed: %s", deployed);
        String job = awaitRunning(control, null, Duration.ofMinutes(3));
        for (int round = 1; round <= rounds; round++) {
          awaitCheckpointRecorded(control, job);
          flink.close();
          flink = startFlink(flinkPort, run.resolve("flink"));
          long reachable = System.nanoTime();
          String next = awaitRunning(control, job, Duration.ofMinutes(3));
          Duration took = Duration.ofNanos(System.nanoTime() - reachable);
          recoveries.add(took);
          say(
              "round %d: Flink replaced; job %s -> %s RUNNING %d ms after Flink answered",
              round, job, next, took.toMillis());
          job = next;
        }
      } finally {
        flink.close();
      }
    }
    Summary ms = Summary.ofMillis(recoveries);
    say(
        "Flink reachable again -> job RUNNING over %d rounds (reconciler interval 500 ms, Flink"
            + " poll 2 s): median %d ms, min %d ms, max %d ms",
        ms.count(), (long) ms.median(), (long) ms.min(), (long) ms.max());
    return 0;
  }

  private static LocalFlink startFlink(int port, Path data) {
    return LocalFlink.start(new LocalFlink.Options(port, 1, 4, data, Map.of()));
  }

  /** Until the control plane reports a RUNNING fraud job other than {@code previous}. */
  private static String awaitRunning(ReplicaProcess control, String previous, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode observed = control.json("/api/v1/pipeline").path("observed");
      String id = observed.path("job_id").asString("");
      if ("RUNNING".equals(observed.path("state").asString("")) && !id.equals(previous)) {
        return id;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no new RUNNING fraud job within " + timeout);
  }

  /** Until the reconciler has recorded a checkpoint of the job: the state it restores. */
  private static void awaitCheckpointRecorded(ReplicaProcess control, String job)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!job.equals(
        control
            .json("/api/v1/pipeline")
            .path("status")
            .path("last_state")
            .path("job_id")
            .asString(""))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no checkpoint of " + job + " recorded within 2 minutes");
      }
      Thread.sleep(100);
    }
  }

  private static String post(ReplicaProcess control, String path, String json, String token)
      throws Exception {
    HttpResponse<String> response = control.write("POST", path, json, token, Map.of());
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "deploy answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
