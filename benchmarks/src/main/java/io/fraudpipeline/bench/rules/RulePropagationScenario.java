package io.fraudpipeline.bench.rules;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.control.ControlPlaneClient;
import io.fraudpipeline.bench.control.ControlPlaneProcess;
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
import io.fraudpipeline.producer.send.ProducerRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4: how long a new rule set takes to show in the alerts. Live: publish it to the rules
 * topic while the job runs. The seed's way: stop the job with a savepoint and start it from the
 * savepoint with the new setting. Both under steady traffic, in each delivery mode.
 */
public final class RulePropagationScenario implements Scenario {

  public static final String TITLE = "4. Rule propagation";
  private static final double TARGET_MS = 1000;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final Path chartsDir;
  private final ControlPlaneProcess controlPlane;
  private final String unavailable;

  /**
   * @param controlPlane the running control plane, or null
   * @param unavailable why there is none (when null)
   */
  public RulePropagationScenario(
      BenchCluster cluster,
      BenchmarkSettings settings,
      Path chartsDir,
      ControlPlaneProcess controlPlane,
      String unavailable) {
    this.cluster = cluster;
    this.settings = settings;
    this.chartsDir = chartsDir;
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
    return "live rule change → first alert with the new version visible, p99 ≤ 1 s ("
        + (exactlyOnce ? "exactly-once" : "at-least-once")
        + ")";
  }

  /**
   * One change.
   *
   * @param toAppendMs publish → the first alert with the new version appended
   * @param toVisibleMs publish → the same alert visible to a {@code read_committed} consumer
   * @param patchMs the PATCH request's own response time (publish and read-back included)
   * @param stopMs restart only: stop with savepoint, until the job ended
   * @param startMs restart only: submission from the savepoint until every task runs
   */
  record Change(
      double toAppendMs, double toVisibleMs, double patchMs, double stopMs, double startMs) {}

  /** The changes of one delivery mode. */
  record ModeResult(
      boolean exactlyOnce, List<Change> warmUp, List<Change> live, List<Change> restart) {}

  /** Unmeasured changes before the live ones: to 4900 and back, so the threshold parity holds. */
  private static final int WARM_UP_CHANGES = 2;

  @Override
  public Section run() throws Exception {
    if (controlPlane == null) {
      return notMeasured("the control plane did not start (" + unavailable + ")", unavailable);
    }
    List<ModeResult> modes = new ArrayList<>();
    for (boolean exactlyOnce : new boolean[] {false, true}) {
      modes.add(measureMode(exactlyOnce));
    }
    Section.Builder section = Section.titled(TITLE);
    section.text(
        "Rule changes go through the control plane (a process of its own, see scenario 5):"
            + " `PATCH /api/v1/rules` with a JSON merge patch of `amount_threshold`, `If-Match`"
            + " with the current version and the bearer token; the control plane publishes the"
            + " next version to the compacted rules topic, which the running job reads into its"
            + " broadcast state. The job is deployed through `POST /api/v1/jobs` (parallelism 1,"
            + " checkpoint interval "
            + settings.checkpointInterval().toMillis()
            + " ms) and runs under steady traffic from the synthetic producer ("
            + Format.count(SteadyTraffic.RATE)
            + " transactions/s, "
            + Format.decimal(100 * SteadyTraffic.FRAUD_RATIO, 0)
            + " % over the threshold, so an alert is due every few milliseconds). Each change"
            + " alternates the amount threshold between 5000 and 4900 (every injected fraud"
            + " amount exceeds both). Time = from just before the PATCH request to the first alert"
            + " carrying the new version: appended to the alerts topic (`LogAppendTime`) and"
            + " visible to a `read_committed` consumer.\n\n"
            + "**The alternative the seed needs** (its threshold is a constant in the job): stop"
            + " the job with a savepoint (`POST /api/v1/jobs/{id}/stop`, until its operation"
            + " completes), make the change, deploy again from that savepoint (`POST"
            + " /api/v1/jobs` with `restore.savepoint_path`), until the first alert with the new"
            + " version. Same traffic, same measurement.\n\n"
            + "With "
            + settings.ruleChanges()
            + " live changes per mode, the p99 (nearest rank) is the slowest change. Before them, "
            + WARM_UP_CHANGES
            + " unmeasured changes (to 4900 and back) take the first-use costs of the control"
            + " plane and the job (class loading, JIT); their times are listed below the table.");
    Table.Builder table =
        Table.withHeader(
            "Delivery",
            "How",
            "Changes",
            "→ append p50",
            "→ visible p50",
            "→ visible p99",
            "→ visible max",
            "PATCH response p50",
            "Stop with savepoint",
            "Deploy from savepoint → running");
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
          Format.millis(percentiles(mode.live(), Change::patchMs).p50()),
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
          Format.millis(percentiles(mode.restart(), Change::patchMs).p50()),
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
    StringBuilder warmUps =
        new StringBuilder("Warm-up changes (not counted), → visible / PATCH response:");
    for (ModeResult mode : modes) {
      warmUps.append(mode.exactlyOnce() ? " exactly-once " : " at-least-once ");
      warmUps.append(
          mode.warmUp().stream()
              .map(c -> Format.millis(c.toVisibleMs()) + " / " + Format.millis(c.patchMs()))
              .collect(java.util.stream.Collectors.joining(", ")));
      warmUps.append(';');
    }
    section.text(warmUps.substring(0, warmUps.length() - 1) + ".");
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
    ControlPlaneClient client = controlPlane.client();
    ControlPlaneProcess.CpTopics topics = controlPlane.topics();
    ProducerRun traffic = null;
    String jobId = null;
    try (AlertWatcher watcher = AlertWatcher.start(cluster.bootstrapServers(), topics.alerts())) {
      jobId = client.deploy(1, exactlyOnce, null);
      cluster.flink().awaitAllTasksRunning(jobId, BenchCluster.deployTimeout());
      traffic =
          SteadyTraffic.start(cluster.bootstrapServers(), topics.transactions(), settings.seed());
      // Running and alerting with the current rules before the first change.
      long version = client.rulesVersion();
      long current = version;
      watcher.awaitFirst(0, a -> a.rulesVersion() >= current, WAIT);

      // The first changes after the job starts pay for class loading and JIT in the control plane
      // and the job; they are reported beside the table, not counted in it.
      List<Change> warmUp = new ArrayList<>();
      for (int i = 0; i < WARM_UP_CHANGES; i++) {
        Published published = changeLive(client, watcher, version, threshold(i));
        warmUp.add(published.change());
        version = published.version();
        Thread.sleep(100);
      }

      List<Change> live = new ArrayList<>();
      for (int i = 0; i < settings.ruleChanges(); i++) {
        Published published = changeLive(client, watcher, version, threshold(i));
        live.add(published.change());
        version = published.version();
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
        int from = watcher.count();
        long startedAt = System.currentTimeMillis();
        long stopNanos = System.nanoTime();
        String savepoint = client.stopWithSavepoint(jobId);
        long stoppedNanos = System.nanoTime();
        jobId = null;
        long patchNanos = System.nanoTime();
        long next = client.patchAmountThreshold(version, threshold(settings.ruleChanges() + i));
        double patchMs = (System.nanoTime() - patchNanos) / 1e6;
        long submitted = System.nanoTime();
        jobId = client.deploy(1, exactlyOnce, savepoint);
        long running = cluster.flink().awaitAllTasksRunning(jobId, BenchCluster.deployTimeout());
        ObservedAlert alert = watcher.awaitFirst(from, a -> a.rulesVersion() >= next, WAIT);
        version = next;
        Change change =
            new Change(
                alert.recordTimestamp() - startedAt,
                alert.visibleAtMillis() - startedAt,
                patchMs,
                (stoppedNanos - stopNanos) / 1e6,
                (running - submitted) / 1e6);
        restart.add(change);
        Progress.say(
            "rules %s restart %d: %.0f ms (stop %.0f ms, deploy %.0f ms)",
            exactlyOnce ? "exactly-once" : "at-least-once",
            i + 1,
            change.toVisibleMs(),
            change.stopMs(),
            change.startMs());
      }
      if ((settings.ruleChanges() + settings.restartChanges()) % 2 == 1) {
        client.patchAmountThreshold(version, "5000"); // back to the default for the next mode
      }
      return new ModeResult(exactlyOnce, warmUp, live, restart);
    } finally {
      if (traffic != null) {
        traffic.stop();
        traffic.awaitCompletion(Duration.ofSeconds(30));
      }
      if (jobId != null) {
        client.cancel(jobId);
      }
    }
  }

  /**
   * Alternates the threshold away from the default 5000 and back, so that every change is a real
   * one (the control plane publishes nothing for a patch that changes nothing); injected fraud
   * exceeds both.
   */
  /** A live change: the version it published and how long it took to show in the alerts. */
  private record Published(long version, Change change) {}

  private static Published changeLive(
      ControlPlaneClient client, AlertWatcher watcher, long version, String threshold)
      throws Exception {
    LiveChange live =
        LiveChange.measure(
            watcher,
            () -> client.patchAmountThreshold(version, threshold),
            (alert, next) -> alert.rulesVersion() >= next,
            WAIT);
    return new Published(
        live.version(), new Change(live.toAppendMs(), live.toVisibleMs(), live.patchMs(), 0, 0));
  }

  private static String threshold(int change) {
    return change % 2 == 0 ? "4900" : "5000";
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
