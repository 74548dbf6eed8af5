package io.fraudpipeline.bench.upgrade;

import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.cluster.FraudJobRun;
import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.bench.kafka.ObservedAlert;
import io.fraudpipeline.bench.leadership.ReplicaProcess;
import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.model.Sha256;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * Downtime of a job upgrade as a downstream consumer sees it, side by side in one run: the control
 * plane's {@code POST /api/v1/pipeline/upgrade} (savepoint mode, readiness check) against the same
 * upgrade done by hand over Flink's REST API (stop with savepoint, run the other jar from it, with
 * the typed client the control plane uses). Both pipelines read the same transactions topic, under
 * one steady synthetic load, each writing its own alerts topic; a read_committed consumer records
 * when each alert became visible. An upgrade's downtime is the longest gap between two visible
 * alerts from the moment it is asked for until 15 s after the new job runs: the time from the old
 * job's last alert to the new job's first. The two kinds alternate, jar A → B, then B → A. Prints
 * every round, then the medians, the maxima and their ratio. A measurement, not a test.
 */
@Command(
    name = "bench/upgrade-downtime.sh",
    mixinStandardHelpOptions = true,
    description = "Upgrade downtime: the control plane vs stop-with-savepoint and run by hand.")
public final class UpgradeDowntime implements Callable<Integer> {

  private static final String PREFIX = "upgrade-";
  private static final Duration SETTLE = Duration.ofSeconds(15);

  @Option(names = "--rounds", defaultValue = "3", description = "Upgrades of each kind. Default: 3")
  int rounds;

  @Option(names = "--rate", defaultValue = "200", description = "Transactions/s. Default: 200")
  long rate;

  @Option(
      names = "--control-api-jar",
      defaultValue = "benchmarks/target/control-api.jar",
      description = "Default: %DEFAULT-VALUE%")
  Path controlApiJar;

  @Option(
      names = "--fraud-job-jar",
      defaultValue = "benchmarks/target/fraud-job.jar",
      description = "Default: %DEFAULT-VALUE%")
  Path fraudJobJar;

  @Option(
      names = "--work-dir",
      defaultValue = "benchmarks/target/upgrade-downtime",
      description = "Jars, the control-api's log. Default: %DEFAULT-VALUE%")
  Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new UpgradeDowntime()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(workDir);
    Path run = Files.createTempDirectory(workDir.toAbsolutePath(), "run-");
    Path jarA = fraudJobJar.toAbsolutePath();
    Path jarB = anotherBuild(jarA, run.resolve("fraud-job-b.jar"));
    String shaA = Sha256.hex(jarA);
    String shaB = Sha256.hex(jarB);
    // The control plane ships B and keeps A in its jar store, as after a release.
    Path store = Files.createDirectories(run.resolve("jars"));
    Files.copy(jarA, store.resolve("fraud-job-" + shaA.substring(0, 16) + ".jar"));
    String token = UUID.randomUUID().toString();
    List<Duration> byHand = new ArrayList<>();
    List<Duration> byControlPlane = new ArrayList<>();
    try (BenchCluster cluster = BenchCluster.start(jarA, 4)) {
      for (String topic :
          List.of("transactions", "fraud-alerts", "transactions-dlq", "hand-alerts")) {
        cluster.createTopic(PREFIX + topic, 2, Map.of());
      }
      cluster.createTopic(PREFIX + "fraud-rules", 1, BenchCluster.COMPACTED);
      String jarIdB = cluster.flink().uploadJar(jarB);
      FraudJobRun.Spec hand =
          new FraudJobRun.Spec(
              "upgrade-by-hand",
              true,
              1,
              Duration.ofSeconds(1),
              PREFIX + "transactions",
              PREFIX + "hand-alerts",
              PREFIX + "transactions-dlq",
              PREFIX + "fraud-rules");
      String handJob = FraudJobRun.start(cluster, hand).jobId();
      try (AlertWatcher handAlerts =
              AlertWatcher.start(cluster.bootstrapServers(), PREFIX + "hand-alerts");
          AlertWatcher planeAlerts =
              AlertWatcher.start(cluster.bootstrapServers(), PREFIX + "fraud-alerts");
          ReplicaProcess control =
              ReplicaProcess.start(
                  controlApiJar,
                  cluster.bootstrapServers(),
                  cluster.flinkRestUrl(),
                  token,
                  PREFIX,
                  "upgrade",
                  Duration.ofSeconds(10),
                  run.resolve("logs"),
                  List.of(
                      "--fraud.job.jar-file=" + jarB,
                      "--fraud.job.jar-store=" + store,
                      "--fraud.job.checkpoint-interval=1s",
                      "--fraud.reconciler.upgrade.mode=manual"))) {
        ProducerRun load = startLoad(cluster.bootstrapServers());
        try {
          control.awaitLeading(Duration.ofMinutes(3));
          declareRunning(control, token);
          String planeJar = shaB;
          String handJar = "A";
          for (int round = 1; round <= rounds; round++) {
            // By hand: stop with savepoint, run the other jar from it.
            long asked = System.nanoTime();
            String savepoint = cluster.flink().stopWithSavepoint(handJob, Duration.ofMinutes(5));
            handJob =
                cluster
                    .flink()
                    .run(
                        handJar.equals("A") ? jarIdB : cluster.fraudJobJarId(),
                        FraudJobRun.ENTRY_CLASS,
                        hand.args(cluster.bootstrapServers()),
                        1,
                        savepoint,
                        Map.of());
            long running = cluster.flink().awaitAllTasksRunning(handJob, Duration.ofMinutes(3));
            handJar = handJar.equals("A") ? "B" : "A";
            Duration handGap = longestGap(handAlerts, asked, running);
            byHand.add(handGap);
            say("round %d by hand: to jar %s, downtime %d ms", round, handJar, handGap.toMillis());

            // The control plane: POST /api/v1/pipeline/upgrade to the other jar.
            String target = planeJar.equals(shaB) ? shaA : shaB;
            asked = System.nanoTime();
            String operation = upgrade(control, token, target);
            running = awaitOperation(control, operation);
            planeJar = target;
            Duration planeGap = longestGap(planeAlerts, asked, running);
            byControlPlane.add(planeGap);
            say(
                "round %d control plane: to jar %s, downtime %d ms",
                round, target.substring(0, 12), planeGap.toMillis());
          }
        } finally {
          load.stop();
          load.awaitCompletion(Duration.ofMinutes(1));
        }
        say(
            "by hand (stop with savepoint + run, typed client): median %d ms, max %d ms",
            median(byHand), max(byHand));
        say(
            "control plane (POST /api/v1/pipeline/upgrade, savepoint, readiness check): median %d"
                + " ms, max %d ms; ratio of medians %.2f",
            median(byControlPlane),
            max(byControlPlane),
            (double) median(byControlPlane) / Math.max(1, median(byHand)));
      }
    }
    return 0;
  }

  private ProducerRun startLoad(String bootstrap) {
    RunSettings settings =
        RunSettings.builder()
            .bootstrapServers(bootstrap)
            .topic(PREFIX + "transactions")
            .ratePerSecond(rate)
            .duration(Duration.ofHours(2))
            .generator(g -> g.seed(7).accounts(GeneratorSettings.DEFAULT_ACCOUNTS).velocityShare(0))
            .build();
    return SyntheticProducer.start(settings, Map.of());
  }

  private static void declareRunning(ReplicaProcess control, String token) throws Exception {
    HttpResponse<String> put =
        control.write(
            "PUT",
            "/api/v1/pipeline",
            "{\"state\": \"running\", \"parallelism\": 1}",
            token,
            Map.of("If-Match", "\"0\""));
    if (put.statusCode() != 200) {
      throw new IllegalStateException("PUT /api/v1/pipeline: " + put.statusCode() + put.body());
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!"RUNNING".equals(observed(control).path("state").asString(""))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the control plane's job is not RUNNING after 3 min");
      }
      Thread.sleep(200);
    }
  }

  private static String upgrade(ReplicaProcess control, String token, String jar) throws Exception {
    HttpResponse<String> accepted =
        control.write(
            "POST",
            "/api/v1/pipeline/upgrade",
            "{\"jar_sha256\": \"" + jar + "\"}",
            token,
            Map.of());
    if (accepted.statusCode() != 202) {
      throw new IllegalStateException(
          "upgrade answered " + accepted.statusCode() + ": " + accepted.body());
    }
    return accepted.headers().firstValue("Location").orElseThrow();
  }

  /** Waits for the upgrade to succeed; returns when the new job was first seen running. */
  private static long awaitOperation(ReplicaProcess control, String operation)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    long running = 0;
    while (System.nanoTime() < deadline) {
      JsonNode observed = observed(control);
      if (running == 0 && "RUNNING".equals(observed.path("state").asString(""))) {
        running = System.nanoTime();
      }
      JsonNode op = control.json(operation);
      String state = op.path("state").asString("");
      if ("COMPLETED".equals(state)) {
        return running == 0 ? System.nanoTime() : running;
      }
      if ("FAILED".equals(state)) {
        throw new IllegalStateException("upgrade failed: " + op.path("failure_cause").asString());
      }
      if (!"RUNNING".equals(observed.path("state").asString(""))) {
        running = 0;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("upgrade " + operation + " did not end within 5 min");
  }

  private static JsonNode observed(ReplicaProcess control) {
    return control.json("/api/v1/pipeline").path("observed");
  }

  /**
   * The longest time between two alerts becoming visible, from {@code askedNanos} until {@link
   * #SETTLE} after {@code runningNanos}: the last alert of the old job to the first of the new.
   */
  private static Duration longestGap(AlertWatcher alerts, long askedNanos, long runningNanos)
      throws InterruptedException {
    long until = runningNanos + SETTLE.toNanos();
    Thread.sleep(Math.max(0, (until - System.nanoTime()) / 1_000_000));
    long previous = askedNanos;
    long longest = 0;
    for (ObservedAlert alert : alerts.alerts()) {
      long at = alert.visibleAtNanos();
      if (at < askedNanos) {
        previous = Math.max(previous, at);
        continue;
      }
      if (at > until) {
        break;
      }
      longest = Math.max(longest, at - previous);
      previous = at;
    }
    longest = Math.max(longest, until - previous);
    return Duration.ofNanos(longest);
  }

  /** The same jar with one more file: another checksum, the same job. */
  private static Path anotherBuild(Path jar, Path target) throws IOException {
    try (InputStream file = Files.newInputStream(jar);
        JarInputStream in = new JarInputStream(file);
        OutputStream output = Files.newOutputStream(target);
        JarOutputStream out = new JarOutputStream(output, in.getManifest())) {
      for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
        out.putNextEntry(new JarEntry(entry.getName()));
        in.transferTo(out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/fraud-pipeline-build.txt"));
      out.write("upgrade-downtime B".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return target;
  }

  private static long median(List<Duration> values) {
    return (long) Summary.ofMillis(values).median();
  }

  private static long max(List<Duration> values) {
    return (long) Summary.ofMillis(values).max();
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
