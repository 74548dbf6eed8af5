package io.fraudpipeline.bench.latency;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import jdk.jfr.Recording;

/**
 * Scenario 3: end-to-end latency at fixed rates and at the highest rate this machine sustains, in
 * each delivery mode: the synthetic producer paced live into the fraud job, every alert's latency
 * measured from the transaction's record timestamp.
 */
public final class LatencyScenario implements Scenario {

  public static final String TITLE = "3. End-to-end latency";
  private static final long TARGET_RATE = 10_000;
  private static final double ALO_TARGET_MS = 50;
  private static final long PROBE_CAP = 160_000;

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final Path chartsDir;

  public LatencyScenario(BenchCluster cluster, BenchmarkSettings settings, Path chartsDir) {
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
    return List.of(aloTarget(), eoTarget());
  }

  private static String aloTarget() {
    return "p99 ≤ 50 ms at 10 000/s, at-least-once (record timestamp → alert append time)";
  }

  private String eoTarget() {
    return "p99 ≤ checkpoint interval + 100 ms = "
        + Format.count(eoLimitMs())
        + " ms at 10 000/s, exactly-once (record timestamp → alert visible to read_committed)";
  }

  private double eoLimitMs() {
    return settings.checkpointInterval().toMillis() + 100.0;
  }

  /**
   * The measurements of one delivery mode.
   *
   * @param profile a JFR profile of one more measurement at 10 000/s, when the target was missed
   */
  private record ModeResult(
      boolean exactlyOnce,
      Map<Long, List<LatencySample>> byRate,
      long maxRate,
      String probeLog,
      Profile profile) {}

  @Override
  public Section run() throws Exception {
    List<ModeResult> modes = new ArrayList<>();
    for (boolean exactlyOnce : new boolean[] {false, true}) {
      modes.add(measureMode(exactlyOnce));
    }

    Section.Builder section = Section.titled(TITLE);
    section.text(
        "The fraud job (parallelism 1, checkpoint interval "
            + settings.checkpointInterval().toMillis()
            + " ms) runs on fresh topics; the synthetic producer (in the harness JVM) sends live"
            + " at a fixed, paced rate for "
            + settings.latencyDuration().toSeconds()
            + " s per measurement, "
            + Format.decimal(100 * settings.latencyFraudRatio(), 0)
            + " % of the transactions over the threshold (each alert is one sample). Latency of"
            + " an alert = from the triggering transaction's Kafka record timestamp (set by the"
            + " producer when it sends) to (a) the alert's append time on the broker (the alerts"
            + " topic uses `LogAppendTime`) and (b) the moment a `read_committed` consumer"
            + " receives it. Under exactly-once an alert is appended at once but only becomes"
            + " visible when the checkpoint commits its Kafka transaction, so (b) is the latency"
            + " a consumer sees; under at-least-once (a) and (b) differ by the consumer's poll."
            + " Percentiles are exact over all samples of a measurement (nearest rank); the"
            + " tables give the median over "
            + settings.repetitions()
            + " measurements with min – max. A warm-up at "
            + Format.count(maxFixedRate())
            + "/s precedes each mode and is not counted.\n\n"
            + "**Highest sustainable rate**: probed per mode before the measurements, doubling"
            + " from twice the highest fixed rate: a rate is sustainable when the producer"
            + " reaches ≥ 95 % of it and the p99 of (b) stays ≤ 1 s (exactly-once: ≤ checkpoint"
            + " interval + 1 s); the highest sustainable probe is then measured like the fixed"
            + " rates. Producer, broker and job share the machine's cores.");
    for (ModeResult mode : modes) {
      section.text("**" + modeName(mode.exactlyOnce()) + "** probes: " + mode.probeLog());
      section.table(table(mode));
      String chart = "latency-" + (mode.exactlyOnce() ? "exactly-once" : "at-least-once") + ".png";
      chart(mode, chart);
      section.chart(chart, "Latency percentiles, " + modeName(mode.exactlyOnce()));
      diagnose(section, mode);
    }

    ModeResult alo = modes.get(0);
    ModeResult eo = modes.get(1);
    section.target(check(alo, aloTarget(), s -> s.toAppend().p99(), ALO_TARGET_MS));
    section.target(check(eo, eoTarget(), s -> s.toVisible().p99(), eoLimitMs()));
    return section.build();
  }

  private ModeResult measureMode(boolean exactlyOnce) throws Exception {
    String name = "lat-" + (exactlyOnce ? "eo" : "alo");
    Map<Long, List<LatencySample>> byRate = new LinkedHashMap<>();
    long maxRate;
    String probes;
    Profile profile = null;
    try (LatencyPipeline pipeline =
        LatencyPipeline.start(
            cluster,
            name,
            exactlyOnce,
            settings.partitions(),
            settings.checkpointInterval(),
            settings.latencyFraudRatio(),
            settings.seed(),
            Map.of())) {
      Progress.say("latency %s: warm-up", modeName(exactlyOnce));
      pipeline.measure(maxFixedRate(), Duration.ofSeconds(3));

      StringBuilder probeLog = new StringBuilder();
      maxRate = probe(pipeline, exactlyOnce, probeLog);
      probes = probeLog.toString();
      List<Long> rates = new ArrayList<>(settings.latencyRates());
      if (maxRate > 0 && !rates.contains(maxRate)) {
        rates.add(maxRate);
      }
      for (int rep = 1; rep <= settings.repetitions(); rep++) {
        for (long rate : rates) {
          LatencySample sample = pipeline.measure(rate, settings.latencyDuration());
          byRate.computeIfAbsent(rate, r -> new ArrayList<>()).add(sample);
          Progress.say(
              "latency %s %d/s rep %d: append p99 %.0f ms, visible p50 %.0f p99 %.0f ms (%d"
                  + " alerts, %.0f/s sent)",
              modeName(exactlyOnce),
              rate,
              rep,
              sample.toAppend().p99(),
              sample.toVisible().p50(),
              sample.toVisible().p99(),
              sample.toVisible().count(),
              sample.achievedRate());
        }
      }
      if (!exactlyOnce && settings.profile() && missesAloTarget(byRate)) {
        Progress.say("latency at-least-once: profiling one more measurement at 10 000/s");
        Recording recording = JfrProfiler.start();
        pipeline.measure(TARGET_RATE, settings.latencyDuration());
        profile = JfrProfiler.stop(recording, settings.workDir().resolve("latency-alo.jfr"));
      }
    }
    return new ModeResult(exactlyOnce, byRate, maxRate, probes, profile);
  }

  private boolean missesAloTarget(Map<Long, List<LatencySample>> byRate) {
    List<LatencySample> samples = byRate.get(TARGET_RATE);
    return samples != null && summary(samples, s -> s.toAppend().p99()).median() > ALO_TARGET_MS;
  }

  /** The highest probed rate that is sustainable, or 0 when none above the fixed rates is. */
  private long probe(LatencyPipeline pipeline, boolean exactlyOnce, StringBuilder log)
      throws Exception {
    Duration probeTime =
        settings.latencyDuration().compareTo(Duration.ofSeconds(5)) < 0
            ? settings.latencyDuration()
            : Duration.ofSeconds(5);
    double limitMs = 1000 + (exactlyOnce ? settings.checkpointInterval().toMillis() : 0);
    long passed = 0;
    long failed = 0;
    for (long rate = 2 * maxFixedRate(); rate <= PROBE_CAP; rate *= 2) {
      if (sustains(pipeline, rate, probeTime, limitMs, log)) {
        passed = rate;
      } else {
        failed = rate;
        break;
      }
    }
    if (passed > 0 && failed > 0) {
      long middle = (passed + failed) / 2 / 1000 * 1000;
      if (middle > passed && sustains(pipeline, middle, probeTime, limitMs, log)) {
        passed = middle;
      }
    } else if (passed == 0 && failed > 0) {
      long middle = (maxFixedRate() + failed) / 2 / 1000 * 1000;
      if (middle > maxFixedRate() && sustains(pipeline, middle, probeTime, limitMs, log)) {
        passed = middle;
      }
    }
    log.append(
        passed > 0
            ? "highest sustainable: " + Format.count(passed) + "/s."
            : "no rate above " + Format.count(maxFixedRate()) + "/s was sustainable.");
    return passed;
  }

  private boolean sustains(
      LatencyPipeline pipeline, long rate, Duration time, double limitMs, StringBuilder log)
      throws Exception {
    boolean ok;
    String detail;
    try {
      LatencySample sample = pipeline.measure(rate, time);
      ok = sample.achievedRate() >= 0.95 * rate && sample.toVisible().p99() <= limitMs;
      detail =
          Format.count(sample.achievedRate())
              + "/s sent, p99 "
              + Format.millis(sample.toVisible().p99());
    } catch (IllegalStateException e) {
      ok = false;
      detail = "alerts did not all arrive in time";
    }
    Progress.say("latency probe %d/s: %s (%s)", rate, ok ? "sustained" : "not sustained", detail);
    log.append(Format.count(rate))
        .append("/s ")
        .append(ok ? "sustained" : "not sustained")
        .append(" (")
        .append(detail)
        .append("); ");
    return ok;
  }

  /** What bounds a missed target, from this run's own measurements. */
  private void diagnose(Section.Builder section, ModeResult mode) {
    List<LatencySample> atTarget = mode.byRate().get(TARGET_RATE);
    if (atTarget == null) {
      return;
    }
    if (mode.exactlyOnce()) {
      Summary visible = summary(atTarget, s -> s.toVisible().p99());
      if (visible.median() > eoLimitMs()) {
        Summary append = summary(atTarget, s -> s.toAppend().p99());
        section.text(
            "**What bounds exactly-once latency**: at 10 000/s the alerts are appended to the"
                + " alerts topic within "
                + Format.millis(append.median())
                + " (p99) but become visible only when the checkpoint covering them completes"
                + " and the sink commits its Kafka transactions: p99 to visible "
                + Format.millis(visible.median())
                + " with a checkpoint interval of "
                + settings.checkpointInterval().toMillis()
                + " ms, so the checkpoint interval plus the checkpoint's own duration and the"
                + " commit bound it; a shorter interval lowers it at the cost of more commits.");
      }
      return;
    }
    if (mode.profile() != null) {
      ProfileReport.addTo(
          section,
          "one more at-least-once measurement at 10 000/s",
          ProfileReport.BENCHMARK_JVM,
          mode.profile());
    }
  }

  private long maxFixedRate() {
    return settings.latencyRates().stream().mapToLong(Long::longValue).max().orElse(1000);
  }

  private Table table(ModeResult mode) {
    Table.Builder table =
        Table.withHeader(
            "Rate (records/s)",
            "Sent (records/s)",
            "Samples",
            "→ append p50",
            "→ append p99",
            "→ append p99.9",
            "→ visible p50",
            "→ visible p99",
            "→ visible p99.9");
    mode.byRate()
        .forEach(
            (rate, samples) ->
                table.row(
                    Format.count(rate) + (rate == mode.maxRate() ? " (highest sustainable)" : ""),
                    Format.medianRange(
                        summary(samples, LatencySample::achievedRate), Format::count),
                    Format.count(summary(samples, s -> s.toVisible().count()).median()),
                    ms(samples, s -> s.toAppend().p50()),
                    ms(samples, s -> s.toAppend().p99()),
                    ms(samples, s -> s.toAppend().p999()),
                    ms(samples, s -> s.toVisible().p50()),
                    ms(samples, s -> s.toVisible().p99()),
                    ms(samples, s -> s.toVisible().p999())));
    return table.build();
  }

  private void chart(ModeResult mode, String file) throws java.io.IOException {
    List<Charts.Bar> bars = new ArrayList<>();
    boolean visible = mode.exactlyOnce();
    mode.byRate()
        .forEach(
            (rate, samples) -> {
              String category =
                  Format.count(rate) + "/s" + (rate == mode.maxRate() ? " (max)" : "");
              bars.add(
                  new Charts.Bar(category, "p50", summary(samples, s -> pick(s, visible).p50())));
              bars.add(
                  new Charts.Bar(category, "p99", summary(samples, s -> pick(s, visible).p99())));
              bars.add(
                  new Charts.Bar(
                      category, "p99.9", summary(samples, s -> pick(s, visible).p999())));
            });
    Charts.bars(
        chartsDir.resolve(file),
        "End-to-end latency, " + modeName(mode.exactlyOnce()),
        (visible
                ? "record timestamp → alert visible to read_committed"
                : "record timestamp → alert append time")
            + "; checkpoint interval "
            + settings.checkpointInterval().toMillis()
            + " ms; "
            + Format.medianOf(settings.repetitions()),
        "milliseconds (log scale)",
        bars,
        true);
  }

  private static io.fraudpipeline.bench.report.Percentiles pick(
      LatencySample sample, boolean visible) {
    return visible ? sample.toVisible() : sample.toAppend();
  }

  private TargetCheck check(
      ModeResult mode, String target, ToDoubleFunction<LatencySample> metric, double limitMs) {
    List<LatencySample> samples = mode.byRate().get(TARGET_RATE);
    if (samples == null) {
      return TargetCheck.notMeasured(TITLE, target, "10 000/s not among this run's rates");
    }
    Summary p99 = summary(samples, metric);
    return new TargetCheck(
        TITLE,
        target,
        "p99 " + Format.medianRange(p99, Format::millis),
        Format.millis(p99.median()) + " vs ≤ " + Format.millis(limitMs),
        Verdict.of(p99.median() <= limitMs));
  }

  private static Summary summary(List<LatencySample> samples, ToDoubleFunction<LatencySample> f) {
    return new Summary(samples.stream().map(s -> f.applyAsDouble(s)).toList());
  }

  private static String ms(List<LatencySample> samples, ToDoubleFunction<LatencySample> f) {
    return Format.medianRange(summary(samples, f), Format::millis);
  }

  private static String modeName(boolean exactlyOnce) {
    return exactlyOnce ? "exactly-once" : "at-least-once";
  }
}
