package io.fraudpipeline.bench.throughput;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.cluster.FraudJobRun;
import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.bench.kafka.ObservedAlert;
import io.fraudpipeline.bench.kafka.TransactionsFill;
import io.fraudpipeline.bench.profile.CpuAccount;
import io.fraudpipeline.bench.profile.JfrProfiler;
import io.fraudpipeline.bench.profile.Profile;
import io.fraudpipeline.bench.profile.ProfileReport;
import io.fraudpipeline.bench.report.Charts;
import io.fraudpipeline.bench.report.Format;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.bench.report.Table;
import io.fraudpipeline.bench.report.TargetCheck;
import io.fraudpipeline.bench.report.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.jfr.Recording;

/**
 * Scenario 1: transactions/s from a pre-filled topic to committed alerts, the fraud job on the
 * Flink cluster against {@link PlainKafkaPipeline}, in each delivery mode and at parallelism 1 and
 * 2, repetitions interleaved.
 */
public final class JobThroughputScenario implements Scenario {

  public static final String TITLE = "1. Job throughput";
  static final String SCENARIO = TITLE;
  private static final String CHART = "throughput.png";

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final Path chartsDir;

  public JobThroughputScenario(BenchCluster cluster, BenchmarkSettings settings, Path chartsDir) {
    this.cluster = cluster;
    this.settings = settings;
    this.chartsDir = chartsDir;
  }

  /** A delivery mode and parallelism. */
  record Config(boolean exactlyOnce, int parallelism) {
    String label() {
      return (exactlyOnce ? "exactly-once" : "at-least-once") + ", p=" + parallelism;
    }

    String tag() {
      return (exactlyOnce ? "eo" : "alo") + "-p" + parallelism;
    }
  }

  private static final List<Config> CONFIGS =
      List.of(new Config(false, 1), new Config(false, 2), new Config(true, 1), new Config(true, 2));

  @Override
  public String title() {
    return TITLE;
  }

  @Override
  public List<String> targets() {
    return CONFIGS.stream().map(c -> target(c)).toList();
  }

  private static String target(Config config) {
    return "fraud job / plain loop ≥ 1.0 (" + config.label() + ")";
  }

  @Override
  public Section run() throws Exception {
    String transactions = "throughput-transactions";
    String rules = "throughput-rules";
    cluster.createTopic(transactions, settings.partitions(), Map.of());
    cluster.createTopic(rules, 1, BenchCluster.COMPACTED);
    Progress.say("throughput: pre-filling %d transactions", settings.throughputRecords());
    TransactionsFill fill =
        TransactionsFill.fill(
            cluster.bootstrapServers(),
            transactions,
            settings.partitions(),
            settings.throughputRecords(),
            settings.seed());
    Progress.say(
        "throughput: filled at %.0f records/s, %d alerts expected",
        fill.fillRate(), fill.expectedAlertIds().size());

    // The broker, the Flink runtime and the loop share this JVM and start cold: the first passes
    // ran at half the speed of later ones. One unmeasured pass of each warms them up. (The job's
    // own classes load afresh with every submission, as they would for a new deployment.)
    Config warmUp = CONFIGS.get(0);
    ThroughputSample jobWarmUp = measureJob(fill, rules, warmUp, "tp-job-warm-up", null);
    ThroughputSample loopWarmUp = measureLoop(fill, warmUp, "tp-loop-warm-up");
    Progress.say(
        "throughput: warm-up (not counted), %s: fraud job %.0f tx/s, plain loop %.0f tx/s",
        warmUp.label(), jobWarmUp.recordsPerSecond(), loopWarmUp.recordsPerSecond());

    Map<Config, List<ThroughputSample>> job = new LinkedHashMap<>();
    Map<Config, List<ThroughputSample>> loop = new LinkedHashMap<>();
    for (int rep = 1; rep <= settings.repetitions(); rep++) {
      for (Config config : CONFIGS) {
        // Alternate who goes first, so a drift of the machine's load favours neither.
        boolean jobFirst = rep % 2 == 1;
        for (int turn = 0; turn < 2; turn++) {
          boolean isJob = (turn == 0) == jobFirst;
          String name = "tp-" + (isJob ? "job" : "loop") + "-" + config.tag() + "-r" + rep;
          ThroughputSample sample =
              isJob ? measureJob(fill, rules, config, name, null) : measureLoop(fill, config, name);
          (isJob ? job : loop).computeIfAbsent(config, c -> new ArrayList<>()).add(sample);
          Progress.say(
              "throughput: %s %s rep %d: %.0f tx/s%s",
              isJob ? "fraud job" : "plain loop",
              config.label(),
              rep,
              sample.recordsPerSecond(),
              sample.exact() ? "" : " (output not exact: " + sample + ")");
        }
      }
    }

    Section.Builder section = Section.titled(TITLE);
    describe(section, fill);
    Table.Builder table =
        Table.withHeader(
            "Delivery, parallelism",
            "Fraud job (tx/s)",
            "Plain Kafka loop (tx/s)",
            "Ratio job / loop",
            "Job runs (tx/s)",
            "Loop runs (tx/s)",
            "Job submit → running",
            "Output vs ground truth");
    List<Charts.Bar> bars = new ArrayList<>();
    Config worst = null;
    double worstRatio = Double.MAX_VALUE;
    for (Config config : CONFIGS) {
      List<ThroughputSample> j = job.get(config);
      List<ThroughputSample> l = loop.get(config);
      Summary jobRate = rates(j);
      Summary loopRate = rates(l);
      Summary ratio = pairedRatios(j, l);
      table.row(
          config.label(),
          Format.medianRange(jobRate, Format::count),
          Format.medianRange(loopRate, Format::count),
          Format.medianRange(ratio, Format::ratio),
          Format.runs(jobRate, Format::count),
          Format.runs(loopRate, Format::count),
          Format.medianRange(
              new Summary(j.stream().map(ThroughputSample::deploySeconds).toList()),
              s -> Format.decimal(s, 1) + " s"),
          outputCheck(config, j, l));
      bars.add(new Charts.Bar(config.label(), "fraud job (Flink)", jobRate));
      bars.add(new Charts.Bar(config.label(), "plain Kafka loop", loopRate));
      boolean met = ratio.median() >= 1.0;
      section.target(
          new TargetCheck(
              SCENARIO,
              target(config),
              Format.count(jobRate.median()) + " vs " + Format.count(loopRate.median()) + " tx/s",
              Format.ratio(ratio.median()),
              Verdict.of(met)));
      if (ratio.median() < worstRatio) {
        worstRatio = ratio.median();
        worst = config;
      }
    }
    section.table(table.build());
    Charts.bars(
        chartsDir.resolve(CHART),
        "Throughput: pre-filled topic → committed alerts",
        Format.medianOf(settings.repetitions()),
        "transactions / s",
        bars,
        false);
    section.chart(CHART, "Throughput of the fraud job and of the plain Kafka loop");

    if (settings.profile() && worst != null && worstRatio < 1.0) {
      Progress.say("throughput: profiling the fraud job (%s), the largest gap", worst.label());
      Path jfr = settings.workDir().resolve("throughput-" + worst.tag() + ".jfr");
      ProfiledPass pass = new ProfiledPass(jfr);
      measureJob(fill, rules, worst, "tp-job-" + worst.tag() + "-jfr", pass);
      ProfileReport.addTo(
          section,
          "one extra pass of the fraud job ("
              + worst.label()
              + "), where the ratio is lowest, from all tasks running to the last alert",
          ProfileReport.BENCHMARK_JVM,
          pass.profile);
    }
    cluster.deleteTopics(transactions, rules);
    return section.build();
  }

  private void describe(Section.Builder section, TransactionsFill fill) {
    section.text(
        "The `transactions` topic ("
            + settings.partitions()
            + " partitions) is pre-filled once by the synthetic producer with "
            + Format.count(fill.records())
            + " generated transactions (mean value size "
            + Format.count(fill.averageValueBytes())
            + " bytes, 1 % injected fraud; "
            + Format.count(fill.expectedAlertIds().size())
            + " of them, sentinels included, exceed the default 5000 threshold), plus one"
            + " sentinel transaction per partition that always raises an alert. Every pass then"
            + " reads the whole topic from the beginning into its own alerts topic. Throughput ="
            + " input records ÷ time from the start of processing (the fraud job: every task"
            + " RUNNING, as Flink's REST API reports it; the loop: its threads started) until every"
            + " expected alert, the sentinels' included, is visible to a `read_committed`"
            + " consumer, i.e. processed and committed.\n\n"
            + "- **Fraud job**: the shaded `fraud-job` jar uploaded to the Flink cluster and run"
            + " through `/jars/{id}/run`, checkpoint interval "
            + settings.checkpointInterval().toMillis()
            + " ms (exactly-once alerts are committed on checkpoints).\n"
            + "- **Plain Kafka loop** (`PlainKafkaPipeline`): per thread a consumer and a producer;"
            + " poll → `FraudJson.parseTransaction` → `FraudAlert.amountAlertOrNull` → produce;"
            + " exactly-once: one Kafka transaction per poll with `sendOffsetsToTransaction`;"
            + " at-least-once: `flush()` then `commitSync()` per poll. Parallelism = threads.\n\n"
            + "Both run in the JVM that hosts the broker and the Flink cluster, on the same"
            + " data, after one unmeasured pass of each (at-least-once, p=1) that warms up the"
            + " broker, the Flink runtime and the loop; the ratio is the median over repetitions of job ÷ loop within the same"
            + " repetition. Before each pass the JVM runs a full garbage collection, outside the"
            + " measured time, so that no pass collects what an earlier one left.");
  }

  /** A JFR recording over the processing window of one pass. */
  private static final class ProfiledPass {
    private final Path file;
    private Recording recording;
    private Profile profile;

    ProfiledPass(Path file) {
      this.file = file;
    }

    void start() throws Exception {
      recording = JfrProfiler.start();
    }

    void stop() throws Exception {
      profile = JfrProfiler.stop(recording, file);
    }
  }

  ThroughputSample measureJob(
      TransactionsFill fill, String rulesTopic, Config config, String name, ProfiledPass profiled)
      throws Exception {
    return measureJob(
        fill, rulesTopic, config, name, profiled, settings.checkpointInterval(), false);
  }

  /**
   * A pass with the job checkpointing every {@code checkpointInterval}.
   *
   * @param measureState whether to take a checkpoint once the last alert was seen (outside the
   *     measured time) and report its state size
   */
  ThroughputSample measureJob(
      TransactionsFill fill,
      String rulesTopic,
      Config config,
      String name,
      ProfiledPass profiled,
      Duration checkpointInterval,
      boolean measureState)
      throws Exception {
    String alerts = name + "-alerts";
    String dlq = name + "-dlq";
    collectGarbage();
    cluster.createTopic(alerts, settings.partitions(), Map.of());
    cluster.createTopic(dlq, 1, Map.of());
    try (AlertWatcher watcher = AlertWatcher.start(cluster.bootstrapServers(), alerts)) {
      FraudJobRun run =
          FraudJobRun.start(
              cluster,
              new FraudJobRun.Spec(
                  name,
                  config.exactlyOnce(),
                  config.parallelism(),
                  checkpointInterval,
                  fill.topic(),
                  alerts,
                  dlq,
                  rulesTopic));
      try {
        CpuAccount cpu = CpuAccount.now();
        if (profiled != null) {
          profiled.start();
        }
        long done =
            watcher.awaitAll(
                fill.sentinelAlertIds(), fill.expectedAlertIds().size(), timeout(fill));
        Map<String, Double> cpuSeconds = CpuAccount.now().secondsSince(cpu);
        if (profiled != null) {
          profiled.stop();
        }
        long stateBytes =
            measureState ? cluster.flink().checkpointStateSize(run.jobId(), timeout(fill)) : -1;
        return sample(
            fill,
            watcher,
            run.runningNanos(),
            done,
            (run.runningNanos() - run.submittedNanos()),
            cpuSeconds,
            stateBytes);
      } finally {
        run.cancel(cluster);
      }
    } finally {
      cluster.deleteTopics(alerts, dlq);
    }
  }

  private ThroughputSample measureLoop(TransactionsFill fill, Config config, String name)
      throws Exception {
    String alerts = name + "-alerts";
    String dlq = name + "-dlq";
    collectGarbage();
    cluster.createTopic(alerts, settings.partitions(), Map.of());
    cluster.createTopic(dlq, 1, Map.of());
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (AlertWatcher watcher = AlertWatcher.start(cluster.bootstrapServers(), alerts)) {
      long start = System.nanoTime();
      CpuAccount cpu = CpuAccount.now();
      Future<Void> loop =
          runner.submit(
              () -> {
                PlainKafkaPipeline.run(
                    cluster.bootstrapServers(),
                    fill.topic(),
                    alerts,
                    dlq,
                    config.parallelism(),
                    config.exactlyOnce(),
                    name);
                return null;
              });
      long done =
          watcher.awaitAll(fill.sentinelAlertIds(), fill.expectedAlertIds().size(), timeout(fill));
      Map<String, Double> cpuSeconds = CpuAccount.now().secondsSince(cpu);
      loop.get();
      return sample(fill, watcher, start, done, 0, cpuSeconds, -1);
    } finally {
      runner.shutdownNow();
      cluster.deleteTopics(alerts, dlq);
    }
  }

  /**
   * A full collection before each pass, outside its measured time: the broker, the Flink cluster
   * and every pass share this JVM, and a pass with aggregate rules leaves its job's window state
   * behind (over a GB on the heap), which would otherwise be collected, or raise the occupancy that
   * starts G1's concurrent cycles, during some later pass. {@code --no-gc-between-passes} turns it
   * off, to compare.
   */
  private void collectGarbage() {
    if (settings.gcBetweenPasses()) {
      System.gc();
    }
  }

  private static Duration timeout(TransactionsFill fill) {
    // Generous: at least 2000 records/s, however loaded the machine.
    return Duration.ofSeconds(Math.max(120, fill.records() / 2000));
  }

  private static ThroughputSample sample(
      TransactionsFill fill,
      AlertWatcher watcher,
      long start,
      long done,
      long deployNanos,
      Map<String, Double> cpuSeconds,
      long stateBytes) {
    List<ObservedAlert> alerts = watcher.alerts();
    Set<String> seen = new HashSet<>();
    for (ObservedAlert alert : alerts) {
      seen.add(alert.alertId());
    }
    Set<String> missing = new HashSet<>(fill.expectedAlertIds());
    missing.removeAll(seen);
    Set<String> unexpected = new HashSet<>(seen);
    unexpected.removeAll(fill.expectedAlertIds());
    double seconds = (done - start) / 1e9;
    long records = fill.records() + fill.sentinelAlertIds().size();
    return new ThroughputSample(
        records / seconds,
        seconds,
        seen.size(),
        alerts.size() - seen.size(),
        missing.size(),
        unexpected.size(),
        deployNanos / 1e9,
        cpuSeconds,
        stateBytes);
  }

  private static Summary rates(List<ThroughputSample> samples) {
    return new Summary(samples.stream().map(ThroughputSample::recordsPerSecond).toList());
  }

  private static Summary pairedRatios(List<ThroughputSample> job, List<ThroughputSample> loop) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < job.size(); i++) {
      ratios.add(job.get(i).recordsPerSecond() / loop.get(i).recordsPerSecond());
    }
    return new Summary(ratios);
  }

  private static String outputCheck(
      Config config, List<ThroughputSample> job, List<ThroughputSample> loop) {
    return describeOutput("job", config, job) + "; " + describeOutput("loop", config, loop);
  }

  private static String describeOutput(String who, Config config, List<ThroughputSample> samples) {
    int duplicates = samples.stream().mapToInt(ThroughputSample::duplicates).sum();
    int missing = samples.stream().mapToInt(ThroughputSample::missing).sum();
    int unexpected = samples.stream().mapToInt(ThroughputSample::unexpected).sum();
    if (duplicates == 0 && missing == 0 && unexpected == 0) {
      return who
          + ": exact in every run ("
          + Format.count(samples.get(0).distinctAlerts())
          + " alerts)";
    }
    return who
        + ": "
        + missing
        + " missing, "
        + unexpected
        + " unexpected, "
        + duplicates
        + " duplicates"
        + (config.exactlyOnce() ? " (exactly-once!)" : "");
  }
}
