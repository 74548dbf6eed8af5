package io.fraudpipeline.chaos;

import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.chaos.cluster.FlinkProcesses;
import io.fraudpipeline.chaos.cluster.ProcessCluster;
import io.fraudpipeline.chaos.fault.BrokerFreeze;
import io.fraudpipeline.chaos.fault.ChaosContext;
import io.fraudpipeline.chaos.fault.ControlPlaneLeaderKill;
import io.fraudpipeline.chaos.fault.Fault;
import io.fraudpipeline.chaos.fault.JobManagerKill;
import io.fraudpipeline.chaos.fault.LeaderBrokerKill;
import io.fraudpipeline.chaos.fault.RollingBrokerRestart;
import io.fraudpipeline.chaos.fault.TaskManagerKill;
import io.fraudpipeline.chaos.report.ReliabilityReport;
import io.fraudpipeline.chaos.scenario.ScenarioResult;
import io.fraudpipeline.chaos.scenario.ScenarioRunner;
import io.fraudpipeline.chaos.scenario.ScenarioSettings;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.model.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code chaos/run.sh}: starts the {@link ProcessCluster}, deploys the fraud job through a
 * control-api replica as users do, runs every scenario and writes docs/reliability.md. Exits 1 when
 * a scenario lost or duplicated an alert or could not be measured.
 */
public final class ChaosRunner {

  private static final int PARALLELISM = 2;
  private static final String CHECKPOINT_INTERVAL = "2s";

  private ChaosRunner() {}

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    String commit = System.getProperty("fraud.chaos.commit", "unknown");
    String command = System.getProperty("fraud.chaos.command", "chaos/run.sh").strip();
    Path report = Path.of(System.getProperty("fraud.chaos.report", "docs/reliability.md"));
    Path target = Path.of("chaos", "target");
    Path workDir = target.resolve("chaos-work");

    ScenarioSettings settings = quick ? ScenarioSettings.quick() : ScenarioSettings.full();
    List<Fault> all =
        List.of(
            new TaskManagerKill(),
            new LeaderBrokerKill(),
            new BrokerFreeze(Duration.ofSeconds(30)),
            new RollingBrokerRestart(),
            new JobManagerKill(Duration.ofSeconds(60)),
            new ControlPlaneLeaderKill(Duration.ofSeconds(30)));
    List<Fault> faults = select(all, List.of(args), quick);
    // Only now: a mistyped option must not wipe the last run's logs.
    deleteRecursively(workDir);

    // Ctrl-C or a kill of the harness must not leave brokers and Flink processes behind.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
    Instant started = Instant.now();
    List<ScenarioResult> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    say("starting the cluster (3 brokers, JobManager, 2 TaskManagers, 2 control-api replicas)");
    try (ProcessCluster cluster =
            ProcessCluster.start(
                target,
                workDir,
                List.of(
                    "--fraud.topics.replication-factor=3",
                    "--fraud.topics.partitions=2",
                    "--fraud.job.checkpoint-interval=" + CHECKPOINT_INTERVAL));
        FlinkRestClient flink = FlinkProcesses.client(cluster.flink().restUrl())) {
      say("cluster up in " + Duration.between(started, Instant.now()).toSeconds() + " s");
      List<String> topics =
          List.of(Topics.TRANSACTIONS, Topics.FRAUD_ALERTS, Topics.TRANSACTIONS_DLQ);
      ChaosContext context =
          new ChaosContext(cluster, flink, Topics.TRANSACTIONS, topics, PARALLELISM);
      String jobId = cluster.controlPlane(1).client().deploy(PARALLELISM, true, null);
      if (!context.awaitRunningJob(Duration.ofMinutes(2))) {
        throw new IllegalStateException("the job deployed through control-api-1 never ran");
      }
      say("job " + jobId + " running (deployed through control-api-1)");
      try (AlertWatcher alerts =
          AlertWatcher.start(cluster.kafka().bootstrapServers(), Topics.FRAUD_ALERTS)) {
        ScenarioRunner runner =
            new ScenarioRunner(context, alerts, Topics.TRANSACTIONS_DLQ, settings);
        for (Fault fault : faults) {
          say("scenario: " + fault.title());
          ScenarioResult result = null;
          try {
            result = runner.run(fault);
            results.add(result);
            say(
                String.format(
                    "  expected %d, committed %d, lost %d, duplicated %d, flow again after %d ms",
                    result.expectedAlerts(),
                    result.committedAlerts(),
                    result.lostAlerts(),
                    result.duplicatedAlerts(),
                    result.recoveryMillis()));
          } catch (Exception e) {
            failures.add(fault.title() + ": " + e);
            say("  could not be measured: " + e);
          }
          try {
            fault.heal(context);
            // A Flink process the fault did not kill must not die of it: say so, and restart it
            // so the next scenario has the whole cluster.
            for (String exited : cluster.flink().restartExited(ProcessCluster.restartTimeout())) {
              String note =
                  exited
                      + " exited during the scenario without being killed by the harness (see"
                      + " its log); the job went on without it, and the harness restarted it"
                      + " after the counting";
              say("  " + note);
              if (result != null) {
                result.log().note(note);
              }
            }
          } catch (Exception e) {
            failures.add("the cluster did not recover after " + fault.title() + ": " + e);
            say("  the cluster did not recover: " + e + "; stopping");
            break;
          }
        }
      }
      List<String> setup =
          List.of(
              "3 Kafka 4.2.1 brokers in KRaft combined mode (each a controller-quorum voter), each"
                  + " its own JVM (`kafka.Kafka`), replication factor 3, `min.insync.replicas` 2"
                  + " for every topic and the transaction log, no unclean leader election",
              "a Flink 2.2.1 standalone session cluster: one JobManager"
                  + " (`StandaloneSessionClusterEntrypoint`) and 2 TaskManagers"
                  + " (`TaskManagerRunner`) of 2 slots, memory flags from Flink's `BashJavaUtils`,"
                  + " retained checkpoints on a shared local directory, heartbeat timeout 10 s",
              "2 control-api replicas (`java -jar`) pointed at them; the fraud job deployed"
                  + " through `POST /api/v1/jobs` of replica 1: parallelism "
                  + PARALLELISM
                  + ", exactly-once, checkpoint interval "
                  + CHECKPOINT_INTERVAL
                  + ", the job's Kafka clients giving up on a broker that does not answer after "
                  + FraudJobParameters.DEFAULT_KAFKA_REQUEST_TIMEOUT_MS / 1000
                  + " s (`--kafka-request-timeout`, the job's default)",
              "load per scenario: the synthetic producer at "
                  + settings.ratePerSecond()
                  + " transactions/s (5 % high-amount fraud, 1 % malformed, no velocity bursts),"
                  + " "
                  + settings.before().toSeconds()
                  + " s before the fault and "
                  + settings.after().toSeconds()
                  + " s after its active part; then up to "
                  + settings.drainTimeout().toSeconds()
                  + " s for the expected alerts",
              "logs of every process: chaos/target/chaos-work/logs/");
      new ReliabilityReport(
              command,
              commit,
              started,
              Duration.between(started, Instant.now()),
              setup,
              results,
              failures)
          .write(report);
      say("wrote " + report);
    }
    boolean ok = failures.isEmpty() && results.stream().allMatch(ScenarioResult::passed);
    say(
        ok
            ? "every scenario passed"
            : "FAILED: a scenario lost or duplicated alerts, or the system did not recover");
    System.exit(ok ? 0 : 1);
  }

  /**
   * Every fault; with {@code --quick} the TaskManager and broker kills; with {@code --only id[,id]}
   * the named ones (to reproduce one finding without the whole run).
   */
  private static List<Fault> select(List<Fault> all, List<String> args, boolean quick) {
    int only = args.indexOf("--only");
    if (only >= 0) {
      if (only + 1 >= args.size()) {
        throw new IllegalArgumentException(
            "--only needs fault ids: " + all.stream().map(Fault::id).toList());
      }
      List<String> ids = List.of(args.get(only + 1).split(","));
      List<Fault> chosen = all.stream().filter(f -> ids.contains(f.id())).toList();
      if (chosen.size() != ids.size()) {
        throw new IllegalArgumentException(
            "unknown fault in " + ids + "; known: " + all.stream().map(Fault::id).toList());
      }
      return chosen;
    }
    if (quick) {
      return all.stream()
          .filter(f -> f instanceof TaskManagerKill || f instanceof LeaderBrokerKill)
          .toList();
    }
    return all;
  }

  private static void say(String line) {
    System.out.println("[chaos " + Instant.now().toString().substring(11, 19) + "] " + line);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
