package io.fraudpipeline.bench.rules;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.control.ControlPlaneClient;
import io.fraudpipeline.bench.control.ControlPlaneProcess;
import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.bench.report.Format;
import io.fraudpipeline.bench.report.Percentiles;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.Table;
import io.fraudpipeline.bench.report.TargetCheck;
import io.fraudpipeline.bench.report.Verdict;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.producer.send.ProducerRun;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Scenario 7: how long a change of a named rule takes to show in the alerts, with the 20 aggregate
 * rules of {@link BenchRuleSets} in the same rule set: {@code PATCH /api/v1/rules} replacing the
 * {@code rules} list (one threshold rule's limit changed) while the job runs under steady traffic,
 * until the first alert of that rule with the new version is visible.
 */
public final class NamedRulePropagationScenario implements Scenario {

  public static final String TITLE = "7. Named rule propagation";
  static final String RULE_ID = "bench-named";
  private static final double TARGET_MS = 1000;
  private static final int WARM_UP_CHANGES = 2;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final ControlPlaneProcess controlPlane;
  private final String unavailable;

  /**
   * @param controlPlane the running control plane, or null
   * @param unavailable why there is none (when null)
   */
  public NamedRulePropagationScenario(
      BenchCluster cluster,
      BenchmarkSettings settings,
      ControlPlaneProcess controlPlane,
      String unavailable) {
    this.cluster = cluster;
    this.settings = settings;
    this.controlPlane = controlPlane;
    this.unavailable = unavailable;
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
    return "named rule change → first alert of the rule with the new version visible, p99 ≤ 1 s ("
        + (exactlyOnce ? "exactly-once" : "at-least-once")
        + ")";
  }

  @Override
  public Section run() throws Exception {
    if (controlPlane == null) {
      return notMeasured("the control plane did not start (" + unavailable + ")", unavailable);
    }
    Section.Builder section = Section.titled(TITLE);
    section.text(
        "As scenario 4, with named rules: the rule set holds the "
            + BenchRuleSets.AGGREGATE_RULES
            + " aggregate rules of scenario 6 and one named threshold rule `"
            + RULE_ID
            + "` (`amount > limit`, no filter). Each change is a `PATCH /api/v1/rules` merge patch"
            + " whose `rules` list alternates that rule's limit between 4900 and 5000 (every"
            + " injected fraud amount exceeds both), under steady traffic ("
            + Format.count(SteadyTraffic.RATE)
            + " transactions/s, "
            + Format.decimal(100 * SteadyTraffic.FRAUD_RATIO, 0)
            + " % over the threshold). Time = from just before the PATCH to the first alert *of"
            + " that rule* (alert id `…:"
            + RULE_ID
            + "`) carrying the new version, appended and visible to a `read_committed` consumer."
            + " The job is deployed through `POST /api/v1/jobs` (parallelism 1). "
            + WARM_UP_CHANGES
            + " unmeasured changes come first. Aggregate rules apply the same rule set from the"
            + " broadcast rules topic; their first alert after a change also waits for the"
            + " watermark (the job's out-of-orderness bound, 5 s), so it measures event time, not"
            + " propagation, and is not the measure here.");
    Table.Builder table =
        Table.withHeader(
            "Delivery",
            "Changes",
            "→ append p50",
            "→ visible p50",
            "→ visible p99",
            "→ visible max",
            "PATCH response p50",
            "Warm-up changes → visible");
    for (boolean exactlyOnce : new boolean[] {false, true}) {
      List<LiveChange> warmUp = new ArrayList<>();
      List<LiveChange> live = measureMode(exactlyOnce, warmUp);
      Percentiles append = percentiles(live, LiveChange::toAppendMs);
      Percentiles visible = percentiles(live, LiveChange::toVisibleMs);
      String name = exactlyOnce ? "exactly-once" : "at-least-once";
      table.row(
          name,
          Integer.toString(live.size()),
          Format.millis(append.p50()),
          Format.millis(visible.p50()),
          Format.millis(visible.p99()),
          Format.millis(visible.max()),
          Format.millis(percentiles(live, LiveChange::patchMs).p50()),
          String.join(", ", warmUp.stream().map(c -> Format.millis(c.toVisibleMs())).toList()));
      section.target(
          new TargetCheck(
              TITLE,
              target(exactlyOnce),
              "p99 " + Format.millis(visible.p99()) + " (p50 " + Format.millis(visible.p50()) + ")",
              Format.millis(visible.p99()) + " vs ≤ " + Format.millis(TARGET_MS),
              Verdict.of(visible.p99() <= TARGET_MS)));
    }
    section.table(table.build());
    return section.build();
  }

  /** The measured changes; the warm-up ones into {@code warmUp}. */
  private List<LiveChange> measureMode(boolean exactlyOnce, List<LiveChange> warmUp)
      throws Exception {
    ControlPlaneClient client = controlPlane.client();
    ControlPlaneProcess.CpTopics topics = controlPlane.topics();
    ProducerRun traffic = null;
    String jobId = null;
    long version = client.rulesVersion();
    try (AlertWatcher watcher = AlertWatcher.start(cluster.bootstrapServers(), topics.alerts())) {
      jobId = client.deploy(1, exactlyOnce, null);
      cluster.flink().awaitAllTasksRunning(jobId, BenchCluster.deployTimeout());
      traffic =
          SteadyTraffic.start(cluster.bootstrapServers(), topics.transactions(), settings.seed());
      // The named rules in place and alerting before the first measured change.
      version = change(client, watcher, version, limit(1)).version();
      for (int i = 0; i < WARM_UP_CHANGES; i++) {
        LiveChange change = change(client, watcher, version, limit(i));
        warmUp.add(change);
        version = change.version();
        Thread.sleep(100);
      }
      List<LiveChange> live = new ArrayList<>();
      for (int i = 0; i < settings.ruleChanges(); i++) {
        LiveChange change = change(client, watcher, version, limit(i));
        live.add(change);
        version = change.version();
        Thread.sleep(100);
      }
      Progress.say(
          "named rules %s: %d changes, visible p50 %.0f ms, max %.0f ms",
          exactlyOnce ? "exactly-once" : "at-least-once",
          live.size(),
          percentiles(live, LiveChange::toVisibleMs).p50(),
          percentiles(live, LiveChange::toVisibleMs).max());
      return live;
    } finally {
      if (traffic != null) {
        traffic.stop();
        traffic.awaitCompletion(Duration.ofSeconds(30));
      }
      if (jobId != null) {
        client.cancel(jobId);
      }
      // Leave the rule set as scenario 4 and 5 expect it: no named rules.
      client.patchRules(client.rulesVersion(), "{\"rules\": null}");
    }
  }

  private static LiveChange change(
      ControlPlaneClient client, AlertWatcher watcher, long version, String limit)
      throws Exception {
    return LiveChange.measure(
        watcher,
        () -> client.patchRules(version, rulesPatch(limit)),
        (alert, next) -> alert.rulesVersion() >= next && alert.alertId().endsWith(":" + RULE_ID),
        WAIT);
  }

  /** A merge patch replacing the named rules: the 20 aggregate rules and the threshold rule. */
  static String rulesPatch(String limit) {
    List<NamedRule> rules = new ArrayList<>(BenchRuleSets.aggregateRules());
    rules.add(
        new NamedRule(
            RULE_ID,
            "Benchmark threshold",
            "active",
            "threshold",
            "amount",
            ">",
            new BigDecimal(limit),
            null,
            null,
            null,
            null));
    return "{\"rules\": " + FraudJson.mapper().writeValueAsString(rules) + "}";
  }

  private static String limit(int change) {
    return change % 2 == 0 ? "4900" : "5000";
  }

  private static Percentiles percentiles(List<LiveChange> changes, ToDoubleFunction<LiveChange> f) {
    return Percentiles.of(
        changes.stream().mapToLong(c -> Math.round(f.applyAsDouble(c))).toArray());
  }
}
