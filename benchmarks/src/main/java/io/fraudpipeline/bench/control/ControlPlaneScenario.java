package io.fraudpipeline.bench.control;

import io.fraudpipeline.bench.BenchmarkSettings;
import io.fraudpipeline.bench.Progress;
import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.cluster.FraudJobRun;
import io.fraudpipeline.bench.report.Charts;
import io.fraudpipeline.bench.report.Format;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.bench.report.Table;
import io.fraudpipeline.bench.report.TargetCheck;
import io.fraudpipeline.bench.report.Verdict;
import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5: the control plane's deploy and stop-with-savepoint times beside the same operations
 * made directly on Flink's REST API, its read endpoints' latency under load from a second process
 * (wrk) beside Flink's own job overview, and its resident memory.
 */
public final class ControlPlaneScenario implements Scenario {

  public static final String TITLE = "5. Control plane";
  private static final Duration LOAD_TIME = Duration.ofSeconds(5);
  private static final int LOAD_THREADS = 2;
  private static final int LOAD_CONNECTIONS = 8;

  private static final String DEPLOY = "deploy: POST /api/v1/jobs → every task RUNNING";
  private static final String STOP = "stop with savepoint: POST /api/v1/jobs/{id}/stop → done";
  private static final String JOBS = "GET /api/v1/jobs p99 under load (wrk, second process)";
  private static final String PROMETHEUS =
      "GET /actuator/prometheus p99 under load (wrk, second process)";
  private static final String MEMORY = "resident memory of the control plane";

  private final BenchCluster cluster;
  private final BenchmarkSettings settings;
  private final Path chartsDir;
  private final ControlPlaneProcess controlPlane;
  private final String unavailable;

  /**
   * @param controlPlane the running control plane, or null
   * @param unavailable why there is none (when null)
   */
  public ControlPlaneScenario(
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
    return List.of(DEPLOY, STOP, JOBS, PROMETHEUS, MEMORY);
  }

  @Override
  public Section run() throws Exception {
    if (controlPlane == null) {
      return notMeasured("the control plane did not start (" + unavailable + ")", unavailable);
    }
    ControlPlaneClient client = controlPlane.client();
    ControlPlaneProcess.CpTopics topics = controlPlane.topics();
    ProducerRun traffic =
        SyntheticProducer.start(
            RunSettings.builder()
                .bootstrapServers(cluster.bootstrapServers())
                .topic(topics.transactions())
                .ratePerSecond(1000)
                .generator(g -> g.seed(settings.seed()))
                .build(),
            Map.of());
    List<Double> cpDeploy = new ArrayList<>();
    List<Double> cpStop = new ArrayList<>();
    List<Double> directDeploy = new ArrayList<>();
    List<Double> directStop = new ArrayList<>();
    List<Wrk.Result> jobsLoad = new ArrayList<>();
    List<Wrk.Result> prometheusLoad = new ArrayList<>();
    List<Wrk.Result> flinkLoad = new ArrayList<>();
    long[] memory;
    boolean wrk = Wrk.available();
    try {
      for (int rep = 1; rep <= settings.repetitions(); rep++) {
        long t0 = System.nanoTime();
        String jobId = client.deploy(1, false, null);
        long running = cluster.flink().awaitAllTasksRunning(jobId, BenchCluster.deployTimeout());
        cpDeploy.add((running - t0) / 1e6);
        long t1 = System.nanoTime();
        client.stopWithSavepoint(jobId);
        cpStop.add((System.nanoTime() - t1) / 1e6);

        FraudJobRun direct =
            FraudJobRun.start(
                cluster,
                new FraudJobRun.Spec(
                    "cp-direct-r" + rep,
                    false,
                    1,
                    settings.checkpointInterval(),
                    topics.transactions(),
                    topics.alerts(),
                    topics.dlq(),
                    topics.rules()));
        directDeploy.add((direct.runningNanos() - direct.submittedNanos()) / 1e6);
        long t2 = System.nanoTime();
        cluster.flink().stopWithSavepoint(direct.jobId(), Duration.ofMinutes(2));
        directStop.add((System.nanoTime() - t2) / 1e6);
        Progress.say(
            "control plane rep %d: deploy %.0f ms (direct %.0f), stop %.0f ms (direct %.0f)",
            rep,
            cpDeploy.get(rep - 1),
            directDeploy.get(rep - 1),
            cpStop.get(rep - 1),
            directStop.get(rep - 1));
      }

      String jobId = client.deploy(1, false, null);
      cluster.flink().awaitAllTasksRunning(jobId, BenchCluster.deployTimeout());
      if (wrk) {
        for (int rep = 1; rep <= settings.repetitions(); rep++) {
          jobsLoad.add(load(controlPlane.baseUrl() + "/api/v1/jobs"));
          prometheusLoad.add(load(controlPlane.baseUrl() + "/actuator/prometheus"));
          flinkLoad.add(load(cluster.flinkRestUrl() + "/jobs/overview"));
          Progress.say(
              "control plane load rep %d: /api/v1/jobs p99 %.1f ms, /actuator/prometheus p99 %.1f"
                  + " ms, Flink /jobs/overview p99 %.1f ms",
              rep,
              jobsLoad.get(rep - 1).p99Ms(),
              prometheusLoad.get(rep - 1).p99Ms(),
              flinkLoad.get(rep - 1).p99Ms());
        }
      }
      memory = controlPlane.residentMemory();
      client.cancel(jobId);
    } finally {
      traffic.stop();
      traffic.awaitCompletion(Duration.ofSeconds(30));
    }

    Section.Builder section = Section.titled(TITLE);
    section.text(
        "The control plane runs as a process of its own (`java -Xmx512m -jar"
            + " control-api-…-exec.jar`, started by the harness with `KAFKA_BOOTSTRAP_SERVERS`,"
            + " `FLINK_REST_URL`, a bearer token and its own topic names), managing the benchmark's"
            + " broker and Flink cluster as it would external ones; it was healthy "
            + Format.decimal(controlPlane.startup().toMillis() / 1000.0, 1)
            + " s after its process started. Light traffic (1 000 transactions/s) flows"
            + " throughout.\n\n"
            + "- **Deploy**: `POST /api/v1/jobs` (at-least-once, parallelism 1) until Flink's REST"
            + " API shows every task RUNNING, beside the harness running the same uploaded jar"
            + " directly (`POST /jars/{id}/run`).\n"
            + "- **Stop with savepoint**: `POST /api/v1/jobs/{id}/stop` until its operation is"
            + " `COMPLETED` (savepoint written, job ended), beside `POST /jobs/{id}/stop` on Flink"
            + " until the savepoint is complete and the job ended.\n"
            + "- **Load**: "
            + (wrk
                ? "`wrk -t"
                    + LOAD_THREADS
                    + " -c"
                    + LOAD_CONNECTIONS
                    + " -d"
                    + LOAD_TIME.toSeconds()
                    + "s --latency` (a second process) against each endpoint in turn, with a job"
                    + " deployed; Flink's own `GET /jobs/overview` under the same load is the"
                    + " reference."
                : "not measured: `wrk` is not installed (`apt-get install wrk`; bench/run.sh"
                    + " installs it when it can).")
            + "\n- **Memory**: VmRSS (and peak VmHWM) of the control plane's process after the load.");
    Table.Builder ops =
        Table.withHeader(
            "Operation", "Control plane", "Flink REST directly", "Runs (control plane)");
    ops.row(
        "Deploy → every task RUNNING",
        Format.medianRange(new Summary(cpDeploy), Format::millis),
        Format.medianRange(new Summary(directDeploy), Format::millis),
        Format.runs(new Summary(cpDeploy), Format::millis));
    ops.row(
        "Stop with savepoint → done",
        Format.medianRange(new Summary(cpStop), Format::millis),
        Format.medianRange(new Summary(directStop), Format::millis),
        Format.runs(new Summary(cpStop), Format::millis));
    section.table(ops.build());
    List<Charts.Bar> bars = new ArrayList<>();
    bars.add(new Charts.Bar("deploy", "control plane", new Summary(cpDeploy)));
    bars.add(new Charts.Bar("deploy", "Flink REST directly", new Summary(directDeploy)));
    bars.add(new Charts.Bar("stop with savepoint", "control plane", new Summary(cpStop)));
    bars.add(new Charts.Bar("stop with savepoint", "Flink REST directly", new Summary(directStop)));
    Charts.bars(
        chartsDir.resolve("control-plane-operations.png"),
        "Job operations: control plane vs Flink REST directly",
        Format.medianOf(settings.repetitions()),
        "milliseconds",
        bars,
        false);
    section.chart("control-plane-operations.png", "Deploy and stop-with-savepoint times");

    if (wrk) {
      Table.Builder load =
          Table.withHeader("Endpoint (under wrk load)", "p50", "p99", "Requests/s", "Errors");
      addLoadRow(load, "Control plane `GET /api/v1/jobs`", jobsLoad);
      addLoadRow(load, "Control plane `GET /actuator/prometheus`", prometheusLoad);
      addLoadRow(load, "Flink `GET /jobs/overview` (reference)", flinkLoad);
      section.table(load.build());
      List<Charts.Bar> latency = new ArrayList<>();
      latency.add(new Charts.Bar("p99", "GET /api/v1/jobs", summary(jobsLoad, Wrk.Result::p99Ms)));
      latency.add(
          new Charts.Bar(
              "p99", "GET /actuator/prometheus", summary(prometheusLoad, Wrk.Result::p99Ms)));
      latency.add(
          new Charts.Bar("p99", "Flink GET /jobs/overview", summary(flinkLoad, Wrk.Result::p99Ms)));
      latency.add(new Charts.Bar("p50", "GET /api/v1/jobs", summary(jobsLoad, Wrk.Result::p50Ms)));
      latency.add(
          new Charts.Bar(
              "p50", "GET /actuator/prometheus", summary(prometheusLoad, Wrk.Result::p50Ms)));
      latency.add(
          new Charts.Bar("p50", "Flink GET /jobs/overview", summary(flinkLoad, Wrk.Result::p50Ms)));
      Charts.bars(
          chartsDir.resolve("control-plane-load.png"),
          "Read endpoints under load (wrk -t" + LOAD_THREADS + " -c" + LOAD_CONNECTIONS + ")",
          Format.medianOf(settings.repetitions()),
          "milliseconds (log scale)",
          latency,
          true);
      section.chart("control-plane-load.png", "Endpoint latency under load");
    }
    section.text(
        "Resident memory of the control plane after the load: "
            + Format.decimal(memory[0] / (1024.0 * 1024), 0)
            + " MiB (peak "
            + Format.decimal(memory[1] / (1024.0 * 1024), 0)
            + " MiB), heap limited to 512 MiB.");

    Summary deploy = new Summary(cpDeploy);
    Summary stop = new Summary(cpStop);
    section.target(
        new TargetCheck(
            TITLE,
            DEPLOY,
            Format.medianRange(deploy, Format::millis),
            "× "
                + Format.ratio(deploy.median() / new Summary(directDeploy).median())
                + " of direct",
            Verdict.REPORTED));
    section.target(
        new TargetCheck(
            TITLE,
            STOP,
            Format.medianRange(stop, Format::millis),
            "× " + Format.ratio(stop.median() / new Summary(directStop).median()) + " of direct",
            Verdict.REPORTED));
    if (wrk) {
      section.target(loadCheck(JOBS, jobsLoad, flinkLoad));
      section.target(loadCheck(PROMETHEUS, prometheusLoad, flinkLoad));
    } else {
      section.target(TargetCheck.notMeasured(TITLE, JOBS, "wrk not installed"));
      section.target(TargetCheck.notMeasured(TITLE, PROMETHEUS, "wrk not installed"));
    }
    section.target(
        new TargetCheck(
            TITLE,
            MEMORY,
            Format.decimal(memory[0] / (1024.0 * 1024), 0) + " MiB",
            "peak " + Format.decimal(memory[1] / (1024.0 * 1024), 0) + " MiB",
            Verdict.REPORTED));
    return section.build();
  }

  private static TargetCheck loadCheck(
      String target, List<Wrk.Result> results, List<Wrk.Result> flink) {
    Summary p99 = summary(results, Wrk.Result::p99Ms);
    return new TargetCheck(
        TITLE,
        target,
        "p99 " + Format.medianRange(p99, Format::millis),
        "Flink /jobs/overview p99 " + Format.millis(summary(flink, Wrk.Result::p99Ms).median()),
        Verdict.REPORTED);
  }

  private Wrk.Result load(String url) throws Exception {
    return Wrk.run(url, LOAD_THREADS, LOAD_CONNECTIONS, LOAD_TIME);
  }

  private static void addLoadRow(Table.Builder table, String name, List<Wrk.Result> results) {
    table.row(
        name,
        Format.medianRange(summary(results, Wrk.Result::p50Ms), Format::millis),
        Format.medianRange(summary(results, Wrk.Result::p99Ms), Format::millis),
        Format.medianRange(summary(results, Wrk.Result::requestsPerSecond), Format::count),
        Long.toString(results.stream().mapToLong(Wrk.Result::errors).sum()));
  }

  private static Summary summary(
      List<Wrk.Result> results, java.util.function.ToDoubleFunction<Wrk.Result> f) {
    return new Summary(results.stream().map(r -> f.applyAsDouble(r)).toList());
  }
}
