package io.fraudpipeline.bench;

import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.control.ControlPlaneProcess;
import io.fraudpipeline.bench.control.ControlPlaneScenario;
import io.fraudpipeline.bench.latency.LatencyScenario;
import io.fraudpipeline.bench.producer.ProducerScenario;
import io.fraudpipeline.bench.report.MachineInfo;
import io.fraudpipeline.bench.report.Report;
import io.fraudpipeline.bench.report.ReportWriter;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.TargetCheck;
import io.fraudpipeline.bench.rules.NamedRulePropagationScenario;
import io.fraudpipeline.bench.rules.RulePropagationScenario;
import io.fraudpipeline.bench.throughput.AggregateRulesScenario;
import io.fraudpipeline.bench.throughput.JobThroughputScenario;
import io.fraudpipeline.job.FraudJobParameters;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness: starts a real KRaft broker and a real Flink cluster in this JVM, runs
 * every scenario beside its baseline, and writes docs/benchmarks.md with its charts. Run it with
 * {@code bench/run.sh}, which builds it and passes Flink's JVM flags.
 */
@Command(
    name = "bench/run.sh",
    mixinStandardHelpOptions = true,
    description = "Measures the pipeline against its baselines and writes docs/benchmarks.md.")
public final class BenchmarkRunner implements Callable<Integer> {

  /** The scenarios, in report order. */
  enum Which {
    THROUGHPUT,
    PRODUCER,
    LATENCY,
    RULES,
    CONTROL,
    AGGREGATES,
    NAMED_RULES
  }

  @Option(
      names = "--out",
      defaultValue = "docs",
      description = "Directory of the report; charts go to its <report>/ (default: docs)")
  Path out;

  @Option(
      names = "--report",
      defaultValue = "benchmarks",
      description =
          "Name of the report: <out>/<report>.md, charts in <out>/<report>/ (default: benchmarks;"
              + " a run of some scenarios can go beside the full report instead of replacing it)")
  String reportName;

  @Option(
      names = "--quick",
      description =
          "Tiny sizes and one repetition, to check the harness in about 6 minutes (the report"
              + " says so)")
  boolean quick;

  @Option(names = "--repetitions", defaultValue = "3", description = "Default: 3")
  int repetitions;

  @Option(
      names = "--throughput-records",
      defaultValue = "3000000",
      description =
          "Default: 3000000. Each job submission loads the job's classes (its shaded Kafka"
              + " clients and Jackson among them) in a class loader of its own, so every job pass"
              + " starts with cold JIT while the loop's classes stay warm; at 1000000 an"
              + " at-least-once pass lasted 2-3 s and measured mostly that warm-up")
  long throughputRecords;

  @Option(
      names = "--producer-records",
      defaultValue = "2000000",
      description = "Default: 2000000 (runs of 500 000 lasted ~3 s, mostly JVM warm-up)")
  long producerRecords;

  @Option(
      names = "--latency-rates",
      split = ",",
      defaultValue = "1000,10000",
      description =
          "Fixed rates (records/s); the highest sustainable one is added. Default: 1000,10000")
  List<Long> latencyRates;

  @Option(names = "--latency-seconds", defaultValue = "10", description = "Default: 10")
  int latencySeconds;

  @Option(names = "--rule-changes", defaultValue = "20", description = "Default: 20")
  int ruleChanges;

  @Option(names = "--restart-changes", defaultValue = "3", description = "Default: 3")
  int restartChanges;

  @Option(
      names = "--checkpoint-interval-ms",
      defaultValue = "1000",
      description =
          "The fraud job's checkpoint interval in every scenario but AGGREGATES. Default: 1000")
  long checkpointIntervalMs;

  @Option(
      names = "--aggregates-checkpoint-interval-ms",
      defaultValue = "" + FraudJobParameters.DEFAULT_CHECKPOINT_INTERVAL_MS,
      description =
          "The fraud job's checkpoint interval in AGGREGATES, where every checkpoint writes the"
              + " rules' window state in full. Default: the job's own default, ${DEFAULT-VALUE}")
  long aggregatesCheckpointIntervalMs;

  @Option(
      names = "--scenarios",
      split = ",",
      description = "Which scenarios: ${COMPLETION-CANDIDATES} (default: all)")
  Set<Which> scenarios = EnumSet.allOf(Which.class);

  @Option(names = "--no-profile", description = "Skip the JFR profiles of missed targets")
  boolean noProfile;

  @Option(
      names = "--no-gc-between-passes",
      description =
          "Skip the full garbage collection before each throughput pass (scenarios 1 and 6), to"
              + " compare")
  boolean noGcBetweenPasses;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--fraud-job-jar", description = "Default: fraud-job.jar next to benchmarks.jar")
  Path fraudJobJar;

  @Option(
      names = "--work-dir",
      defaultValue = "benchmarks/target/bench-work",
      description = "Payload files, profiles and the log. Default: benchmarks/target/bench-work")
  Path workDir;

  @Option(
      names = "--command",
      description = "The command line to quote in the report (bench/run.sh passes its own)")
  String command;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int exit = new CommandLine(new BenchmarkRunner()).execute(args);
    // Kafka's and Flink's non-daemon threads must not keep a finished run alive.
    System.exit(exit);
  }

  @Override
  public Integer call() throws Exception {
    BenchmarkSettings settings = settings();
    Files.createDirectories(settings.workDir());
    Path chartsDir = out.resolve(reportName);
    Files.createDirectories(chartsDir);
    Path jar = fraudJobJar != null ? fraudJobJar : besideOwnJar("fraud-job.jar");
    if (!Files.isRegularFile(jar)) {
      System.err.println("fraud job jar not found: " + jar + " (build it: bench/run.sh does)");
      return 2;
    }
    Instant started = Instant.now();
    MachineInfo machine = MachineInfo.current();
    Progress.say(
        "machine: %d processors, %s, load average %s",
        machine.processors(), machine.memory(), machine.loadAverage());
    if (MachineInfo.loadAverage1m() > 3) {
      Progress.say(
          "warning: load average above 3, other work is running; the report records the load");
    }

    List<Section> sections = new ArrayList<>();
    try (BenchCluster cluster = BenchCluster.start(jar, 4)) {
      Progress.say(
          "cluster: Kafka at %s, Flink at %s", cluster.bootstrapServers(), cluster.flinkRestUrl());
      ControlPlaneProcess controlPlane = null;
      String controlPlaneProblem = null;
      try {
        for (Which which : Which.values()) {
          if (!scenarios.contains(which)) {
            continue;
          }
          if ((which == Which.RULES || which == Which.CONTROL || which == Which.NAMED_RULES)
              && controlPlane == null
              && controlPlaneProblem == null) {
            try {
              Progress.say("starting the control plane");
              controlPlane =
                  ControlPlaneProcess.start(
                      besideOwnJar("control-api.jar"),
                      cluster,
                      settings.checkpointInterval(),
                      settings.workDir().resolve("control-api.log"),
                      settings.partitions());
              Progress.say(
                  "control plane at %s, healthy after %d ms",
                  controlPlane.baseUrl(), controlPlane.startup().toMillis());
            } catch (Exception e) {
              controlPlaneProblem = e.getMessage();
              Progress.say("the control plane did not start: %s", e);
            }
          }
          sections.add(
              runSafely(
                  scenario(
                      which, cluster, settings, chartsDir, controlPlane, controlPlaneProblem)));
        }
      } finally {
        if (controlPlane != null) {
          controlPlane.close();
        }
      }
    }
    Report report =
        new Report(
            command != null ? command : ownCommand(),
            started,
            Duration.between(started, Instant.now()),
            machine,
            MachineInfo.currentLoadAverage(),
            Versions.read(),
            describe(settings),
            sections);
    Path markdown = out.resolve(reportName + ".md");
    new ReportWriter(reportName).write(report, markdown);
    Progress.say("wrote %s and charts in %s", markdown, chartsDir);
    for (TargetCheck target : report.targets()) {
      Progress.say("%-55s %-30s %s", target.target(), target.ratio(), target.verdict().label());
    }
    return 0;
  }

  private static Scenario scenario(
      Which which,
      BenchCluster cluster,
      BenchmarkSettings s,
      Path charts,
      ControlPlaneProcess controlPlane,
      String controlPlaneProblem) {
    return switch (which) {
      case THROUGHPUT -> new JobThroughputScenario(cluster, s, charts);
      case PRODUCER -> new ProducerScenario(cluster, s, charts);
      case LATENCY -> new LatencyScenario(cluster, s, charts);
      case RULES ->
          new RulePropagationScenario(cluster, s, charts, controlPlane, controlPlaneProblem);
      case CONTROL ->
          new ControlPlaneScenario(cluster, s, charts, controlPlane, controlPlaneProblem);
      case AGGREGATES -> new AggregateRulesScenario(cluster, s, charts);
      case NAMED_RULES ->
          new NamedRulePropagationScenario(cluster, s, controlPlane, controlPlaneProblem);
    };
  }

  /** Runs a scenario; a failure becomes a section saying so, and the other scenarios still run. */
  private static Section runSafely(Scenario scenario) {
    Progress.say("=== %s", scenario.title());
    try {
      return scenario.run();
    } catch (Exception | Error e) {
      Progress.say("%s failed: %s", scenario.title(), e);
      e.printStackTrace(System.out);
      return scenario.notMeasured(
          "the scenario failed in this run with `"
              + e.toString().replace('`', '\'')
              + "` (the harness log has the details)",
          "scenario failed");
    }
  }

  private BenchmarkSettings settings() {
    if (quick) {
      return new BenchmarkSettings(
          1,
          2,
          Duration.ofMillis(checkpointIntervalMs),
          Duration.ofMillis(aggregatesCheckpointIntervalMs),
          20_000,
          50_000,
          List.of(1000L),
          Duration.ofSeconds(3),
          0.1,
          3,
          1,
          seed,
          !noProfile,
          !noGcBetweenPasses,
          workDir);
    }
    return new BenchmarkSettings(
        repetitions,
        2,
        Duration.ofMillis(checkpointIntervalMs),
        Duration.ofMillis(aggregatesCheckpointIntervalMs),
        throughputRecords,
        producerRecords,
        latencyRates,
        Duration.ofSeconds(latencySeconds),
        0.1,
        ruleChanges,
        restartChanges,
        seed,
        !noProfile,
        !noGcBetweenPasses,
        workDir);
  }

  private java.util.Map<String, String> describe(BenchmarkSettings settings) {
    java.util.Map<String, String> d = new java.util.LinkedHashMap<>(settings.describe());
    if (quick) {
      d.put("Mode", "--quick: tiny sizes, one repetition; for checking the harness only");
    }
    return d;
  }

  private static Path besideOwnJar(String fileName) {
    try {
      Path own =
          Path.of(
              BenchmarkRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path dir = Files.isDirectory(own) ? own.getParent() : own.getParent();
      return dir.resolve(fileName);
    } catch (URISyntaxException e) {
      return Path.of(fileName);
    }
  }

  private static String ownCommand() {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return String.format(
        Locale.ROOT,
        "java %s -jar benchmarks/target/benchmarks.jar (JVM flags: %d)",
        String.join(" ", jvm.stream().filter(a -> !a.startsWith("--add-")).toList()),
        jvm.size());
  }
}
