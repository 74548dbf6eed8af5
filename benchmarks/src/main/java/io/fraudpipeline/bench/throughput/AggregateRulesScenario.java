package io.fraudpipeline.bench.throughput;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.kafka.TransactionsFill;
import io.fraudpipeline.bench.profile.CpuAccount;
import io.fraudpipeline.bench.report.Charts;
import io.fraudpipeline.bench.report.Format;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.bench.report.Table;
import io.fraudpipeline.bench.report.TargetCheck;
import io.fraudpipeline.bench.report.Verdict;
import io.fraudpipeline.bench.rules.BenchRuleSets;
import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Scenario 6: the fraud job's throughput with the default rule set against the same job with 20
 * aggregate named rules beside it ({@link BenchRuleSets}), same pre-filled topic, passes measured
 * as in scenario 1 and interleaved; and, to show where the cost lies, with the same 20 rules taking
 * no transaction ({@link BenchRuleSets#idleAggregateRules}: the keyed hop alone).
 */
public final class AggregateRulesScenario implements Scenario {

  public static final String TITLE = "6. Aggregate rules";
  private static final double TARGET_RATIO = 0.5;
  private static final String CHART = "aggregate-rules.png";
  private static final List<JobThroughputScenario.Config> CONFIGS =
      List.of(
          new JobThroughputScenario.Config(false, 2), new JobThroughputScenario.Config(true, 2));

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final Path chartsDir;
  private final JobThroughputScenario passes;

  public AggregateRulesScenario(BenchCluster cluster, BenchmarkSettings settings, Path chartsDir) {
    this.cluster = cluster;
    this.settings = settings;
    this.chartsDir = chartsDir;
    this.passes = new JobThroughputScenario(cluster, settings, chartsDir);
  }

  @Override
  public String title() {
    return TITLE;
  }

  @Override
  public List<String> targets() {
    return CONFIGS.stream().map(AggregateRulesScenario::target).toList();
  }

  private static String target(JobThroughputScenario.Config config) {
    return "with "
        + BenchRuleSets.AGGREGATE_RULES
        + " aggregate rules / default rules ≥ "
        + TARGET_RATIO
        + " ("
        + config.label()
        + ")";
  }

  @Override
  public Section run() throws Exception {
    String transactions = "aggregates-transactions";
    String defaultRules = "aggregates-rules-default";
    String aggregateRules = "aggregates-rules-20";
    String idleRules = "aggregates-rules-20-idle";
    cluster.createTopic(transactions, settings.partitions(), Map.of());
    cluster.createTopic(defaultRules, 1, BenchCluster.COMPACTED);
    cluster.createTopic(aggregateRules, 1, BenchCluster.COMPACTED);
    cluster.createTopic(idleRules, 1, BenchCluster.COMPACTED);
    publish(aggregateRules, BenchRuleSets.withAggregates(1));
    publish(idleRules, BenchRuleSets.withIdleAggregates(1));
    Progress.say("aggregate rules: pre-filling %d transactions", settings.throughputRecords());
    TransactionsFill fill =
        TransactionsFill.fill(
            cluster.bootstrapServers(),
            transactions,
            settings.partitions(),
            settings.throughputRecords(),
            settings.seed());

    // One unmeasured pass of each, for a cold JVM when this scenario runs alone.
    JobThroughputScenario.Config warmUp = CONFIGS.get(0);
    Duration interval = settings.aggregatesCheckpointInterval();
    passes.measureJob(fill, defaultRules, warmUp, "ag-default-warm-up", null, interval, false);
    passes.measureJob(fill, aggregateRules, warmUp, "ag-20-warm-up", null, interval, false);

    Map<JobThroughputScenario.Config, List<ThroughputSample>> plain = new LinkedHashMap<>();
    Map<JobThroughputScenario.Config, List<ThroughputSample>> hopOnly = new LinkedHashMap<>();
    Map<JobThroughputScenario.Config, List<ThroughputSample>> with20 = new LinkedHashMap<>();
    List<RuleSetPass> sets =
        List.of(
            new RuleSetPass("default", "default rules", defaultRules, plain),
            new RuleSetPass("20-idle", "20 rules taking no transaction", idleRules, hopOnly),
            new RuleSetPass("20", "20 aggregate rules", aggregateRules, with20));
    for (int rep = 1; rep <= settings.repetitions(); rep++) {
      for (JobThroughputScenario.Config config : CONFIGS) {
        // Forwards in odd repetitions, backwards in even ones: no set always runs first or last.
        for (int turn = 0; turn < sets.size(); turn++) {
          RuleSetPass set = sets.get(rep % 2 == 1 ? turn : sets.size() - 1 - turn);
          String name = "ag-" + set.tag() + "-" + config.tag() + "-r" + rep;
          ThroughputSample sample =
              passes.measureJob(fill, set.topic(), config, name, null, interval, true);
          set.samples().computeIfAbsent(config, c -> new ArrayList<>()).add(sample);
          Progress.say(
              "aggregate rules: %s %s rep %d: %.0f tx/s%s",
              set.label(),
              config.label(),
              rep,
              sample.recordsPerSecond(),
              sample.exact() ? "" : " (output not exact: " + sample + ")");
        }
      }
    }

    Section.Builder section = Section.titled(TITLE);
    section.text(describe(fill));
    Table.Builder table =
        Table.withHeader(
            "Delivery, parallelism",
            "Default rules (tx/s)",
            "With 20 aggregate rules (tx/s)",
            "Ratio 20 aggregates / default",
            "With the 20 taking no transaction: keyed hop only (tx/s)",
            "Ratio hop only / default",
            "Default runs (tx/s)",
            "Aggregates runs (tx/s)",
            "Output vs ground truth");
    List<Charts.Bar> bars = new ArrayList<>();
    for (JobThroughputScenario.Config config : CONFIGS) {
      List<ThroughputSample> d = plain.get(config);
      List<ThroughputSample> a = with20.get(config);
      List<ThroughputSample> h = hopOnly.get(config);
      Summary dRate = rates(d);
      Summary aRate = rates(a);
      Summary hRate = rates(h);
      Summary ratio = ratios(a, d);
      boolean exact =
          d.stream().allMatch(ThroughputSample::exact)
              && a.stream().allMatch(ThroughputSample::exact)
              && h.stream().allMatch(ThroughputSample::exact);
      table.row(
          config.label(),
          Format.medianRange(dRate, Format::count),
          Format.medianRange(aRate, Format::count),
          Format.medianRange(ratio, Format::ratio),
          Format.medianRange(hRate, Format::count),
          Format.medianRange(ratios(h, d), Format::ratio),
          Format.runs(dRate, Format::count),
          Format.runs(aRate, Format::count),
          exact
              ? "exact in every run (" + Format.count(d.get(0).distinctAlerts()) + " alerts)"
              : "NOT exact: " + d + " / " + a + " / " + h);
      bars.add(new Charts.Bar(config.label(), "default rules", dRate));
      bars.add(new Charts.Bar(config.label(), "20 taking no transaction (hop only)", hRate));
      bars.add(new Charts.Bar(config.label(), "with 20 aggregate rules", aRate));
      section.target(
          new TargetCheck(
              TITLE,
              target(config),
              Format.count(aRate.median()) + " vs " + Format.count(dRate.median()) + " tx/s",
              Format.ratio(ratio.median()),
              Verdict.of(exact && ratio.median() >= TARGET_RATIO)));
    }
    section.table(table.build());
    section.text(stateText());
    section.table(stateTable(fill, plain, hopOnly, with20));
    if (CpuAccount.supported()) {
      section.text(cpuText());
      section.table(cpuTable(plain, hopOnly, with20));
    }
    Charts.bars(
        chartsDir.resolve(CHART),
        "Throughput with and without 20 aggregate rules",
        Format.medianOf(settings.repetitions()),
        "transactions / s",
        bars,
        false);
    section.chart(CHART, "Throughput of the fraud job with the default rules and with 20 more");
    cluster.deleteTopics(transactions, defaultRules, aggregateRules, idleRules);
    return section.build();
  }

  private String describe(TransactionsFill fill) {
    Duration interval = settings.aggregatesCheckpointInterval();
    return "The same measurement as scenario 1 (a full garbage collection before each pass, a"
        + " pre-filled topic of "
        + Format.count(fill.records())
        + " generated transactions, "
        + settings.partitions()
        + " partitions, read from the beginning; throughput = input records ÷ time from every"
        + " task RUNNING to every expected alert visible to a `read_committed` consumer), for the"
        + " fraud job with two rule sets, passes interleaved: the **default rules** (the built-in"
        + " amount threshold) and the same with **"
        + BenchRuleSets.AGGREGATE_RULES
        + " aggregate named rules** beside it (every function: count, count_distinct, sum, avg,"
        + " max, min; per card as analysts write them: grouped by `account_id`, by `account_id`"
        + " and `merchant_category`, or by `account_id` and `merchant`; windows of 1 min, 10 min"
        + " and 1 h). Their limits lie beyond"
        + " anything the traffic reaches, so the alerts are the built-in rule's in both (checked"
        + " against the ground truth) while each aggregate rule still costs what it always"
        + " does: the keyed hop to `aggregate-rules` (once per transaction for all 20: they all"
        + " group per card, so they share the account key), the transactions each card holds for"
        + " its widest window (1 h: at the generator's "
        + Format.count(TransactionsFill.EVENTS_PER_SECOND)
        + " transactions per second of event time"
        + " every transaction of the run stays in state, and every checkpoint writes it all), an"
        + " evaluation per rule and transaction. The rule set is on the job's rules topic"
        + " before it starts. The last alert comes from the main path; `aggregate-rules` is held"
        + " to it by backpressure, and only the transactions within the job's out-of-orderness"
        + " bound (5 s of event time) of the end wait for a watermark. A third set, passes"
        + " interleaved with the other two, has the same 20 rules with a filter no generated"
        + " transaction passes (`merchant_category` = a category the generator never uses): every"
        + " transaction still takes the keyed hop (the main path forwards by key, not by filter),"
        + " waits for the watermark and has its key's state looked up, but nothing is held or"
        + " scanned, so its rate shows what the hop alone leaves of the default rules' throughput."
        + " Every pass of this scenario checkpoints every "
        + Format.count(interval.toMillis())
        + " ms (the other scenarios: "
        + Format.count(settings.checkpointInterval().toMillis())
        + " ms, for exactly-once latency)"
        + (interval.toMillis() == FraudJobParameters.DEFAULT_CHECKPOINT_INTERVAL_MS
            ? ": the fraud job's own default (`--checkpoint-interval`, and the control plane's"
                + " `fraud.job.checkpoint-interval`), which is how the product deploys it"
            : ", set by `--aggregates-checkpoint-interval-ms`; the fraud job's own default is "
                + Format.count(FraudJobParameters.DEFAULT_CHECKPOINT_INTERVAL_MS)
                + " ms")
        + ". The heap state backend writes the rules' whole window state at every checkpoint"
        + " (here up to every transaction of the run), so a shorter interval costs the aggregate"
        + " rules more. An exactly-once pass ends when the checkpoint after its last alert"
        + " commits it, up to one interval after the processing ended; both passes of a ratio"
        + " wait for it, which draws the exactly-once ratio towards 1, so the at-least-once"
        + " ratio is the one that compares processing.";
  }

  private static String stateText() {
    return "The state each pass held at its end: a checkpoint taken once its last alert was seen"
        + " (after the measured time), all operators together, as Flink's checkpoint statistics"
        + " give its size (median of the passes, min – max). With the 20 rules it is what every"
        + " checkpoint of such a job writes, and what the heap state backend keeps in the"
        + " TaskManagers' memory, as objects rather than these bytes.";
  }

  private static Table stateTable(
      TransactionsFill fill,
      Map<JobThroughputScenario.Config, List<ThroughputSample>> plain,
      Map<JobThroughputScenario.Config, List<ThroughputSample>> hopOnly,
      Map<JobThroughputScenario.Config, List<ThroughputSample>> with20) {
    Table.Builder table =
        Table.withHeader(
            "Delivery, parallelism",
            "Default rules (MB)",
            "20 taking no transaction (MB)",
            "20 aggregate rules (MB)",
            "20 aggregate rules: bytes per input transaction");
    for (JobThroughputScenario.Config config : CONFIGS) {
      Summary aggregates = stateBytes(with20.get(config));
      table.row(
          config.label(),
          Format.medianRange(megabytes(stateBytes(plain.get(config))), v -> Format.decimal(v, 1)),
          Format.medianRange(megabytes(stateBytes(hopOnly.get(config))), v -> Format.decimal(v, 1)),
          Format.medianRange(megabytes(aggregates), v -> Format.decimal(v, 1)),
          Format.count(aggregates.median() / fill.records()));
    }
    return table.build();
  }

  private static Summary stateBytes(List<ThroughputSample> samples) {
    return new Summary(samples.stream().map(s -> (double) s.stateBytes()).toList());
  }

  private static Summary megabytes(Summary bytes) {
    return new Summary(bytes.values().stream().map(b -> b / 1e6).toList());
  }

  private static String cpuText() {
    return "Where the CPU goes: CPU time of the whole benchmark JVM (Kafka broker, Flink cluster and"
        + " harness run in it) during each pass's measured window, by kind of thread, in"
        + " microseconds per input transaction (median of the passes). It is time the operating"
        + " system counted on a core (Java threads via `ThreadMXBean`, GC and JIT compiler threads"
        + " via `/proc/self/task/*/schedstat`), so unlike profiler samples it adds up: the total"
        + " row over the machine's cores bounds the throughput. Each pass submits a new job, whose"
        + " classes the JVM compiles afresh; that is the JIT row.";
  }

  private static Table cpuTable(
      Map<JobThroughputScenario.Config, List<ThroughputSample>> plain,
      Map<JobThroughputScenario.Config, List<ThroughputSample>> hopOnly,
      Map<JobThroughputScenario.Config, List<ThroughputSample>> with20) {
    List<String> header = new ArrayList<>(List.of("Thread kind (µs CPU per transaction)"));
    List<List<ThroughputSample>> columns = new ArrayList<>();
    for (JobThroughputScenario.Config config : CONFIGS) {
      header.add(config.label() + ": default");
      header.add(config.label() + ": hop only");
      header.add(config.label() + ": 20 aggregate rules");
      columns.add(plain.get(config));
      columns.add(hopOnly.get(config));
      columns.add(with20.get(config));
    }
    // Kinds by what they cost with the 20 rules, at-least-once: the largest first.
    Map<String, Double> order = new LinkedHashMap<>();
    for (List<ThroughputSample> column : columns) {
      for (ThroughputSample sample : column) {
        sample.cpuSeconds().keySet().forEach(kind -> order.putIfAbsent(kind, 0.0));
      }
    }
    order.replaceAll((kind, zero) -> microsPerTransaction(columns.get(2), kind));
    List<String> kinds =
        order.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .map(Map.Entry::getKey)
            .toList();
    Table.Builder table = Table.withHeader(header.toArray(String[]::new));
    for (String kind : kinds) {
      List<String> row = new ArrayList<>(List.of(kind));
      columns.forEach(c -> row.add(Format.decimal(microsPerTransaction(c, kind), 2)));
      table.row(row.toArray(String[]::new));
    }
    List<String> total = new ArrayList<>(List.of("**Total**"));
    columns.forEach(c -> total.add("**" + Format.decimal(microsPerTransaction(c, null), 2) + "**"));
    table.row(total.toArray(String[]::new));
    return table.build();
  }

  /** Median over the passes of one kind's CPU time (null: all kinds) per input transaction. */
  private static double microsPerTransaction(List<ThroughputSample> samples, String kind) {
    List<Double> micros = new ArrayList<>();
    for (ThroughputSample sample : samples) {
      double seconds =
          kind == null
              ? sample.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum()
              : sample.cpuSeconds().getOrDefault(kind, 0.0);
      double records = sample.recordsPerSecond() * sample.seconds();
      micros.add(seconds * 1e6 / records);
    }
    return new Summary(micros).median();
  }

  /** One rule set's passes: a tag for the job names, a label, its rules topic, its samples. */
  private record RuleSetPass(
      String tag,
      String label,
      String topic,
      Map<JobThroughputScenario.Config, List<ThroughputSample>> samples) {}

  /** Per repetition, the first's rate over the second's (they ran side by side). */
  private static Summary ratios(List<ThroughputSample> over, List<ThroughputSample> base) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < base.size(); i++) {
      ratios.add(over.get(i).recordsPerSecond() / base.get(i).recordsPerSecond());
    }
    return new Summary(ratios);
  }

  private void publish(String topic, RuleSet rules) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", cluster.bootstrapServers(), "acks", "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              topic,
              Topics.RULES_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8),
              FraudJson.write(rules)));
      producer.flush();
    }
  }

  private static Summary rates(List<ThroughputSample> samples) {
    return new Summary(samples.stream().map(ThroughputSample::recordsPerSecond).toList());
  }
}
