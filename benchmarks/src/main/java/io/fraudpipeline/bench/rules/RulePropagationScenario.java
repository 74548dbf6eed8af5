package io.fraudpipeline.bench.rules;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.cluster.FraudJobRun;
import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.bench.kafka.ObservedAlert;
import io.fraudpipeline.bench.report.Charts;
import io.fraudpipeline.bench.report.Format;
import io.fraudpipeline.bench.report.Percentiles;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.bench.report.Table;
import io.fraudpipeline.bench.report.TargetCheck;
import io.fraudpipeline.bench.report.Verdict;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Topics;
import io.fraudpipeline.model.VelocityRule;
import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scenario 4: how long a new rule set takes to show in the alerts. Live: publish it to the rules
 * topic while the job runs. The seed's way: stop the job with a savepoint and start it from the
 * savepoint with the new setting. Both under steady traffic, in each delivery mode.
 */
public final class RulePropagationScenario implements Scenario {

  public static final String TITLE = "4. Rule propagation";
  private static final double TARGET_MS = 1000;
  private static final long TRAFFIC_RATE = 1000;
  private static final double TRAFFIC_FRAUD_RATIO = 0.2;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final Path chartsDir;

  public RulePropagationScenario(BenchCluster cluster, BenchmarkSettings settings, Path chartsDir) {
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
    return List.of(target(false), target(true));
  }

  private static String target(boolean exactlyOnce) {
    return "live rule change → first alert with the new version visible, p99 ≤ 1 s ("
        + (exactlyOnce ? "exactly-once" : "at-least-once")
        + ")";
  }

  /**
   * One change.
   *
   * @param toAppendMs publish → the first alert with the new version appended
   * @param toVisibleMs publish → the same alert visible to a {@code read_committed} consumer
   * @param stopMs restart only: stop with savepoint, until the job ended
   * @param startMs restart only: submission from the savepoint until every task runs
   */
  record Change(double toAppendMs, double toVisibleMs, double stopMs, double startMs) {}

  /** The changes of one delivery mode. */
  record ModeResult(boolean exactlyOnce, List<Change> live, List<Change> restart) {}

  @Override
  public Section run() throws Exception {
    List<ModeResult> modes = new ArrayList<>();
    for (boolean exactlyOnce : new boolean[] {false, true}) {
      modes.add(measureMode(exactlyOnce));
    }
    Section.Builder section = Section.titled(TITLE);
    section.text(
        "The control plane's `PATCH /api/v1/rules` is not on `main` yet, so this run publishes"
            + " each new rule set straight to the job's rules topic (compacted, key `"
            + Topics.RULES_KEY
            + "`) with fraud-model's codec (`FraudJson.write(RuleSet)`), acks=all: exactly what"
            + " the control plane will write. The fraud job (parallelism 1, checkpoint interval "
            + settings.checkpointInterval().toMillis()
            + " ms) runs under steady traffic from the synthetic producer ("
            + Format.count(TRAFFIC_RATE)
            + " transactions/s, "
            + Format.decimal(100 * TRAFFIC_FRAUD_RATIO, 0)
            + " % over the threshold, so an alert is due every few milliseconds). Each change"
            + " raises the version by one and alternates the amount threshold between 5000 and"
            + " 4900 (every injected fraud amount exceeds both). Time = from just before the"
            + " publish to the first alert carrying the new version: appended to the alerts topic"
            + " (`LogAppendTime`) and visible to a `read_committed` consumer.\n\n"
            + "**The alternative the seed needs** (its threshold is a constant in the job): stop"
            + " the job with a savepoint (`POST /jobs/{id}/stop`), start it from the savepoint"
            + " with the new setting (`/jars/{id}/run` with `savepointPath`; here the new rule"
            + " set is published while the job is down, and the restarted job reads it at start),"
            + " until the first alert with the new version. Same traffic, same measurement.\n\n"
            + "With "
            + settings.ruleChanges()
            + " live changes per mode, the p99 (nearest rank) is the slowest change.");
    Table.Builder table =
        Table.withHeader(
            "Delivery",
            "How",
            "Changes",
            "→ append p50",
            "→ visible p50",
            "→ visible p99",
            "→ visible max",
            "Stop with savepoint",
            "Start from savepoint → running");
    List<Charts.Bar> bars = new ArrayList<>();
    for (ModeResult mode : modes) {
      String name = mode.exactlyOnce() ? "exactly-once" : "at-least-once";
      Percentiles liveAppend = percentiles(mode.live(), Change::toAppendMs);
      Percentiles liveVisible = percentiles(mode.live(), Change::toVisibleMs);
      table.row(
          name,
          "live (rules topic)",
          Integer.toString(mode.live().size()),
          Format.millis(liveAppend.p50()),
          Format.millis(liveVisible.p50()),
          Format.millis(liveVisible.p99()),
          Format.millis(liveVisible.max()),
          "–",
          "–");
      Percentiles restartVisible = percentiles(mode.restart(), Change::toVisibleMs);
      table.row(
          name,
          "stop with savepoint + restart",
          Integer.toString(mode.restart().size()),
          Format.millis(percentiles(mode.restart(), Change::toAppendMs).p50()),
          Format.millis(restartVisible.p50()),
          Format.millis(restartVisible.p99()),
          Format.millis(restartVisible.max()),
          Format.medianRange(summary(mode.restart(), Change::stopMs), Format::millis),
          Format.medianRange(summary(mode.restart(), Change::startMs), Format::millis));
      bars.add(new Charts.Bar(name, "live change", summary(mode.live(), Change::toVisibleMs)));
      bars.add(
          new Charts.Bar(
              name, "stop with savepoint + restart", summary(mode.restart(), Change::toVisibleMs)));
      section.target(
          new TargetCheck(
              TITLE,
              target(mode.exactlyOnce()),
              "p99 "
                  + Format.millis(liveVisible.p99())
                  + " (restart alternative: median "
                  + Format.millis(restartVisible.p50())
                  + ", "
                  + Format.decimal(restartVisible.p50() / Math.max(1, liveVisible.p50()), 0)
                  + "× the live median)",
              Format.millis(liveVisible.p99()) + " vs ≤ " + Format.millis(TARGET_MS),
              Verdict.of(liveVisible.p99() <= TARGET_MS)));
    }
    section.table(table.build());
    Charts.bars(
        chartsDir.resolve("rules.png"),
        "Rule change → first alert with the new version (visible)",
        "median with min–max; live: "
            + settings.ruleChanges()
            + " changes, restart: "
            + settings.restartChanges(),
        "milliseconds (log scale)",
        bars,
        true);
    section.chart("rules.png", "Rule propagation, live and by restart");
    return section.build();
  }

  private ModeResult measureMode(boolean exactlyOnce) throws Exception {
    String name = "rules-" + (exactlyOnce ? "eo" : "alo");
    String transactions = name + "-transactions";
    String alerts = name + "-alerts";
    String dlq = name + "-dlq";
    String rules = name + "-rules";
    cluster.createTopic(transactions, settings.partitions(), Map.of());
    cluster.createTopic(alerts, settings.partitions(), BenchCluster.LOG_APPEND_TIME);
    cluster.createTopic(dlq, 1, Map.of());
    cluster.createTopic(rules, 1, BenchCluster.COMPACTED);
    FraudJobRun.Spec spec =
        new FraudJobRun.Spec(
            name, exactlyOnce, 1, settings.checkpointInterval(), transactions, alerts, dlq, rules);
    ProducerRun traffic = null;
    FraudJobRun job = null;
    try (AlertWatcher watcher = AlertWatcher.start(cluster.bootstrapServers(), alerts);
        KafkaProducer<String, byte[]> publisher =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", cluster.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
      long version = 1;
      publish(publisher, rules, version);
      job = FraudJobRun.start(cluster, spec);
      traffic =
          SyntheticProducer.start(
              RunSettings.builder()
                  .bootstrapServers(cluster.bootstrapServers())
                  .topic(transactions)
                  .ratePerSecond(TRAFFIC_RATE)
                  .fraudRatio(TRAFFIC_FRAUD_RATIO)
                  .velocityShare(0.0)
                  .seed(settings.seed())
                  .build(),
              Map.of());
      // Running and alerting with version 1 before the first change.
      long first = version;
      watcher.awaitFirst(0, a -> a.rulesVersion() >= first, WAIT);

      List<Change> live = new ArrayList<>();
      for (int i = 0; i < settings.ruleChanges(); i++) {
        version++;
        int from = watcher.count();
        long publishedAt = System.currentTimeMillis();
        publish(publisher, rules, version);
        long v = version;
        ObservedAlert alert = watcher.awaitFirst(from, a -> a.rulesVersion() >= v, WAIT);
        live.add(
            new Change(
                alert.recordTimestamp() - publishedAt,
                alert.visibleAtMillis() - publishedAt,
                0,
                0));
        Thread.sleep(100);
      }
      Progress.say(
          "rules %s live: %d changes, visible p50 %.0f ms, max %.0f ms",
          exactlyOnce ? "exactly-once" : "at-least-once",
          live.size(),
          percentiles(live, Change::toVisibleMs).p50(),
          percentiles(live, Change::toVisibleMs).max());

      List<Change> restart = new ArrayList<>();
      for (int i = 0; i < settings.restartChanges(); i++) {
        version++;
        int from = watcher.count();
        long startedAt = System.currentTimeMillis();
        long stopNanos = System.nanoTime();
        String savepoint = cluster.flink().stopWithSavepoint(job.jobId(), WAIT);
        long stoppedNanos = System.nanoTime();
        job = null;
        publish(publisher, rules, version);
        job = FraudJobRun.start(cluster, spec, savepoint);
        long v = version;
        ObservedAlert alert = watcher.awaitFirst(from, a -> a.rulesVersion() >= v, WAIT);
        Change change =
            new Change(
                alert.recordTimestamp() - startedAt,
                alert.visibleAtMillis() - startedAt,
                (stoppedNanos - stopNanos) / 1e6,
                (job.runningNanos() - job.submittedNanos()) / 1e6);
        restart.add(change);
        Progress.say(
            "rules %s restart %d: %.0f ms (stop %.0f ms, start %.0f ms)",
            exactlyOnce ? "exactly-once" : "at-least-once",
            i + 1,
            change.toVisibleMs(),
            change.stopMs(),
            change.startMs());
      }
      return new ModeResult(exactlyOnce, live, restart);
    } finally {
      if (traffic != null) {
        traffic.stop();
        traffic.awaitCompletion(Duration.ofSeconds(30));
      }
      if (job != null) {
        job.cancel(cluster);
      }
      cluster.deleteTopics(transactions, alerts, dlq, rules);
    }
  }

  private static void publish(KafkaProducer<String, byte[]> publisher, String topic, long version)
      throws Exception {
    BigDecimal threshold = version % 2 == 0 ? new BigDecimal("4900") : new BigDecimal("5000");
    RuleSet rules =
        new RuleSet(
            version, threshold, Map.of(), VelocityRule.DISABLED, Instant.now(), "benchmark");
    publisher.send(new ProducerRecord<>(topic, Topics.RULES_KEY, FraudJson.write(rules))).get();
  }

  private static Percentiles percentiles(
      List<Change> changes, java.util.function.ToDoubleFunction<Change> f) {
    return Percentiles.of(
        changes.stream().mapToLong(c -> Math.round(f.applyAsDouble(c))).toArray());
  }

  private static Summary summary(
      List<Change> changes, java.util.function.ToDoubleFunction<Change> f) {
    return new Summary(changes.stream().map(c -> f.applyAsDouble(c)).toList());
  }
}
