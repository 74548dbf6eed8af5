package io.fraudpipeline.bench.producer;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.profile.JfrProfiler;
import io.fraudpipeline.bench.profile.ProfileReport;
import io.fraudpipeline.bench.report.Charts;
import io.fraudpipeline.bench.report.Format;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.bench.report.Table;
import io.fraudpipeline.bench.report.TargetCheck;
import io.fraudpipeline.bench.report.Verdict;
import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scenario 2: the synthetic producer at full speed against Kafka's own {@code ProducerPerformance}
 * with the same records, producer settings and broker, each in a JVM of its own, runs interleaved.
 */
public final class ProducerScenario implements Scenario {

  public static final String TITLE = "2. Producer";
  private static final String TARGET = "synthetic producer / ProducerPerformance ≥ 0.9";
  private static final String CHART = "producer.png";
  private static final String PERF_MAIN = "org.apache.kafka.tools.ProducerPerformance";

  /** Distinct payloads ProducerPerformance picks from at random. */
  private static final int PAYLOADS = 20_000;

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final Path chartsDir;

  public ProducerScenario(BenchCluster cluster, BenchmarkSettings settings, Path chartsDir) {
    this.cluster = cluster;
    this.settings = settings;
    this.chartsDir = chartsDir;
  }

  @Override
  public String title() {
    return TITLE;
  }

  @Override
  public List<String> targets() {
    return List.of(TARGET);
  }

  @Override
  public Section run() throws Exception {
    Path payloads = settings.workDir().resolve("producer-payloads.txt");
    Payloads sample = writePayloads(payloads);
    Map<String, String> producerProps = sharedProducerSettings();

    // The broker runs in this JVM: its produce path is cold at first, and whichever producer went
    // first paid for that (the first run was regularly a third slower). One run of each, first.
    for (boolean isSynthetic : new boolean[] {true, false}) {
      String topic = "producer-warm-up-" + (isSynthetic ? "synthetic" : "perf");
      cluster.createTopic(topic, settings.partitions(), Map.of());
      try {
        ProducerResult result =
            isSynthetic
                ? runSynthetic(topic, sample.meanValueBytes())
                : runProducerPerformance(topic, payloads, producerProps);
        Progress.say(
            "producer: warm-up (not counted), %s: %.0f records/s",
            isSynthetic ? "synthetic producer" : "ProducerPerformance", result.recordsPerSecond());
      } finally {
        cluster.deleteTopics(topic);
      }
    }

    List<ProducerResult> synthetic = new ArrayList<>();
    List<ProducerResult> perf = new ArrayList<>();
    for (int rep = 1; rep <= settings.repetitions(); rep++) {
      boolean syntheticFirst = rep % 2 == 1;
      for (int turn = 0; turn < 2; turn++) {
        boolean isSynthetic = (turn == 0) == syntheticFirst;
        String topic = "producer-" + (isSynthetic ? "synthetic" : "perf") + "-r" + rep;
        cluster.createTopic(topic, settings.partitions(), Map.of());
        try {
          ProducerResult result =
              isSynthetic
                  ? runSynthetic(topic, sample.meanValueBytes())
                  : runProducerPerformance(topic, payloads, producerProps);
          (isSynthetic ? synthetic : perf).add(result);
          Progress.say(
              "producer: %s rep %d: %.0f records/s",
              isSynthetic ? "synthetic producer" : "ProducerPerformance",
              rep,
              result.recordsPerSecond());
        } finally {
          cluster.deleteTopics(topic);
        }
      }
    }

    List<Double> generatorRates = new ArrayList<>();
    for (int rep = 1; rep <= settings.repetitions(); rep++) {
      double rate = runGeneratorAlone();
      generatorRates.add(rate);
      Progress.say("producer: generator alone rep %d: %.0f records/s", rep, rate);
    }
    Summary generatorRate = new Summary(generatorRates);

    Summary syntheticRate =
        new Summary(synthetic.stream().map(ProducerResult::recordsPerSecond).toList());
    Summary perfRate = new Summary(perf.stream().map(ProducerResult::recordsPerSecond).toList());
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < synthetic.size(); i++) {
      ratios.add(synthetic.get(i).recordsPerSecond() / perf.get(i).recordsPerSecond());
    }
    Summary ratio = new Summary(ratios);

    Section.Builder section = Section.titled(TITLE);
    section.text(
        "Both producers send "
            + Format.count(settings.producerRecords())
            + " records per run as fast as they can to a fresh topic ("
            + settings.partitions()
            + " partitions) of the same broker, each in a JVM of its own (`-Xmx1g`), runs"
            + " alternating, after one unmeasured run of each that warms up the broker (it runs in"
            + " the harness's JVM). Producer settings, identical for both (the synthetic producer's"
            + " defaults, passed to ProducerPerformance with `--command-property`): "
            + producerProps.entrySet().stream()
                .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
                .reduce((a, b) -> a + ", " + b)
                .orElse("")
            + ".\n\n"
            + "- **Synthetic producer**: `SyntheticProducer.start` with rate 0 (as fast as"
            + " possible): generates each transaction (pools, amounts, fraud patterns) and encodes"
            + " it with `FraudJson`, keyed by account id, at most "
            + Format.count(RunSettings.DEFAULT_MAX_IN_FLIGHT)
            + " records in flight. Rate = acknowledged records ÷ run time (generator pools built"
            + " before the clock starts).\n"
            + "- **ProducerPerformance** (kafka-tools "
            + org.apache.kafka.common.utils.AppInfoParser.getVersion()
            + "): `--payload-file` with "
            + Format.count(sample.count())
            + " values generated by the same generator and seed (mean "
            + Format.count(sample.meanValueBytes())
            + " bytes, the same size and compressibility as the synthetic producer's values),"
            + " `--throughput -1`. It sends without keys (mean key the synthetic producer adds: "
            + Format.decimal(sample.meanKeyBytes(), 1)
            + " bytes) and builds no records on the hot path. Rate = its own final summary line.\n"
            + "- **Generator alone**: the synthetic producer's generator without Kafka, in a JVM of"
            + " its own, on one thread as in the send loop: "
            + Format.count(settings.producerRecords())
            + " records drawn and encoded, timed from the first (cold JVM, like the producer's"
            + " runs), after the producer runs. The synthetic producer's rate divided by this one"
            + " is about the share of its sending thread's time that goes into generating.");
    section.table(
        Table.withHeader("Producer", "Records/s", "MB/s (values)", "Runs (records/s)")
            .row(
                "Synthetic producer",
                Format.medianRange(syntheticRate, Format::count),
                Format.medianRange(
                    new Summary(
                        synthetic.stream().map(ProducerResult::megabytesPerSecond).toList()),
                    v -> Format.decimal(v, 1)),
                Format.runs(syntheticRate, Format::count))
            .row(
                "Kafka ProducerPerformance",
                Format.medianRange(perfRate, Format::count),
                Format.medianRange(
                    new Summary(perf.stream().map(ProducerResult::megabytesPerSecond).toList()),
                    v -> Format.decimal(v, 1)),
                Format.runs(perfRate, Format::count))
            .row(
                "Generator alone (no Kafka; see below)",
                Format.medianRange(generatorRate, Format::count),
                "",
                Format.runs(generatorRate, Format::count))
            .row(
                "Ratio synthetic / ProducerPerformance",
                Format.medianRange(ratio, Format::ratio),
                "",
                Format.runs(ratio, Format::ratio))
            .build());
    Charts.bars(
        chartsDir.resolve(CHART),
        "Producer at full speed",
        Format.count(settings.producerRecords())
            + " records per run, "
            + Format.medianOf(settings.repetitions()),
        "records / s",
        List.of(
            new Charts.Bar("full speed", "synthetic producer", syntheticRate),
            new Charts.Bar("full speed", "Kafka ProducerPerformance", perfRate)),
        false);
    section.chart(CHART, "Records per second of the synthetic producer and ProducerPerformance");
    if (settings.profile() && ratio.median() < 0.9) {
      Progress.say("producer: profiling one more synthetic producer run (JFR in its JVM)");
      Path jfr = settings.workDir().resolve("synthetic-producer.jfr").toAbsolutePath();
      Files.deleteIfExists(jfr);
      String topic = "producer-synthetic-jfr";
      cluster.createTopic(topic, settings.partitions(), Map.of());
      try {
        runSynthetic(
            topic,
            sample.meanValueBytes(),
            List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr));
      } finally {
        cluster.deleteTopics(topic);
      }
      ProfileReport.addTo(
          section,
          "one more synthetic producer run, recorded in its own JVM (the broker is not in it)",
          "the producer's JVM",
          JfrProfiler.summarise(jfr, 12));
    }
    section.target(
        new TargetCheck(
            TITLE,
            TARGET,
            Format.count(syntheticRate.median())
                + " vs "
                + Format.count(perfRate.median())
                + " records/s",
            Format.ratio(ratio.median()),
            Verdict.of(ratio.median() >= 0.9)));
    return section.build();
  }

  /** The synthetic producer's producer settings: what both producers use. */
  private Map<String, String> sharedProducerSettings() {
    RunSettings settings =
        RunSettings.builder().bootstrapServers(cluster.bootstrapServers()).build();
    Map<String, String> props = new TreeMap<>();
    SyntheticProducer.producerConfig(settings, Map.of())
        .forEach((k, v) -> props.put(k, String.valueOf(v)));
    props.remove("bootstrap.servers");
    return props;
  }

  private ProducerResult runSynthetic(String topic, double meanValueBytes) throws Exception {
    return runSynthetic(topic, meanValueBytes, List.of());
  }

  private ProducerResult runSynthetic(String topic, double meanValueBytes, List<String> jvmOptions)
      throws Exception {
    ChildJvm.Result result =
        ChildJvm.run(
            jvmOptions,
            SyntheticProducerMain.class.getName(),
            List.of(
                cluster.bootstrapServers(),
                topic,
                Long.toString(settings.producerRecords()),
                Long.toString(settings.seed())),
            settings.workDir().resolve("synthetic-producer.log"),
            Duration.ofMinutes(10));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("synthetic producer failed: " + result.output());
    }
    return ProducerResult.parseSynthetic(result.output(), meanValueBytes);
  }

  private double runGeneratorAlone() throws Exception {
    ChildJvm.Result result =
        ChildJvm.run(
            GeneratorSpeedMain.class.getName(),
            List.of(Long.toString(settings.producerRecords()), Long.toString(settings.seed())),
            settings.workDir().resolve("generator-speed.log"),
            Duration.ofMinutes(10));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("generator measurement failed: " + result.output());
    }
    return GeneratorSpeedMain.parse(result.output());
  }

  private ProducerResult runProducerPerformance(
      String topic, Path payloads, Map<String, String> producerProps) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--bootstrap-server");
    args.add(cluster.bootstrapServers());
    args.add("--topic");
    args.add(topic);
    args.add("--num-records");
    args.add(Long.toString(settings.producerRecords()));
    args.add("--throughput");
    args.add("-1");
    args.add("--payload-file");
    args.add(payloads.toAbsolutePath().toString());
    args.add("--command-property");
    producerProps.forEach((k, v) -> args.add(k + "=" + v));
    ChildJvm.Result result =
        ChildJvm.run(
            PERF_MAIN,
            args,
            settings.workDir().resolve("producer-performance.log"),
            Duration.ofMinutes(10));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("ProducerPerformance failed: " + result.output());
    }
    ProducerResult parsed = ProducerResult.parseProducerPerformance(result.output());
    if (parsed.records() != settings.producerRecords()) {
      throw new IllegalStateException(
          "ProducerPerformance sent " + parsed.records() + " of " + settings.producerRecords());
    }
    return parsed;
  }

  /**
   * The payload sample.
   *
   * @param count values written
   * @param meanValueBytes their mean size
   * @param meanKeyBytes mean size of the keys the synthetic producer would send with them
   */
  private record Payloads(int count, double meanValueBytes, double meanKeyBytes) {}

  private Payloads writePayloads(Path file) throws IOException {
    RunSettings run =
        RunSettings.builder()
            .bootstrapServers(cluster.bootstrapServers())
            .ratePerSecond(0)
            .generator(g -> g.seed(settings.seed()))
            .build();
    TransactionGenerator generator =
        new TransactionGenerator(run.generator().startingAt(Instant.now()));
    long valueBytes = 0;
    long keyBytes = 0;
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < PAYLOADS; i++) {
        GeneratedRecord record = generator.next();
        out.write(record.value());
        out.write('\n');
        valueBytes += record.value().length;
        keyBytes += record.key().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return new Payloads(PAYLOADS, (double) valueBytes / PAYLOADS, (double) keyBytes / PAYLOADS);
  }
}
