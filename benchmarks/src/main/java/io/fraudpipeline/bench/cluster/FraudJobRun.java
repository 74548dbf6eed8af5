package io.fraudpipeline.bench.cluster;

import io.fraudpipeline.job.FraudJobParameters;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One submission of the fraud job to the benchmark cluster, through Flink's REST API from the
 * uploaded shaded jar, with its own topics, consumer group and transactional ids so that runs never
 * see each other's data.
 *
 * @param jobId Flink's job id
 * @param submittedNanos nano time just before the run request
 * @param runningNanos nano time at which every task was first seen running
 */
public record FraudJobRun(String jobId, long submittedNanos, long runningNanos) {

  /** Entry point of the shaded jar. */
  public static final String ENTRY_CLASS = "io.fraudpipeline.job.FraudDetectionJob";

  /**
   * What to run.
   *
   * @param name unique per submission: job name, consumer group and transactional id prefix
   * @param exactlyOnce exactly-once, or at-least-once
   * @param parallelism the job's parallelism
   * @param checkpointInterval the job's checkpoint interval
   * @param transactionsTopic the input topic
   * @param alertsTopic the alerts topic
   * @param dlqTopic the dead-letter topic
   * @param rulesTopic the rules topic
   * @param flinkConfiguration Flink settings for this job only ({@code flinkConfiguration} of the
   *     run request); empty for the cluster's
   */
  public record Spec(
      String name,
      boolean exactlyOnce,
      int parallelism,
      Duration checkpointInterval,
      String transactionsTopic,
      String alertsTopic,
      String dlqTopic,
      String rulesTopic,
      Map<String, String> flinkConfiguration) {

    public Spec {
      flinkConfiguration = Map.copyOf(flinkConfiguration);
    }

    /** A job with the cluster's Flink settings. */
    public Spec(
        String name,
        boolean exactlyOnce,
        int parallelism,
        Duration checkpointInterval,
        String transactionsTopic,
        String alertsTopic,
        String dlqTopic,
        String rulesTopic) {
      this(
          name,
          exactlyOnce,
          parallelism,
          checkpointInterval,
          transactionsTopic,
          alertsTopic,
          dlqTopic,
          rulesTopic,
          Map.of());
    }

    /** The job's program arguments (docs/job.md). */
    public List<String> args(String bootstrapServers) {
      List<String> args = new ArrayList<>();
      add(args, FraudJobParameters.BOOTSTRAP_SERVERS, bootstrapServers);
      add(args, FraudJobParameters.TRANSACTIONS_TOPIC, transactionsTopic);
      add(args, FraudJobParameters.ALERTS_TOPIC, alertsTopic);
      add(args, FraudJobParameters.DLQ_TOPIC, dlqTopic);
      add(args, FraudJobParameters.RULES_TOPIC, rulesTopic);
      add(args, FraudJobParameters.GROUP_ID, name);
      add(args, FraudJobParameters.TRANSACTIONAL_ID_PREFIX, name);
      add(args, FraudJobParameters.JOB_NAME, name);
      add(
          args,
          FraudJobParameters.CHECKPOINT_INTERVAL,
          Long.toString(checkpointInterval.toMillis()));
      add(
          args,
          FraudJobParameters.DELIVERY_GUARANTEE,
          exactlyOnce ? "exactly-once" : "at-least-once");
      return args;
    }

    private static void add(List<String> args, String name, String value) {
      args.add("--" + name);
      args.add(value);
    }
  }

  /** Submits the job and waits until all its tasks run. */
  public static FraudJobRun start(BenchCluster cluster, Spec spec)
      throws IOException, InterruptedException {
    return start(cluster, spec, null);
  }

  /** Submits the job, from a savepoint when one is given, and waits until all its tasks run. */
  public static FraudJobRun start(BenchCluster cluster, Spec spec, String savepointPath)
      throws IOException, InterruptedException {
    long submitted = System.nanoTime();
    String jobId =
        cluster
            .flink()
            .run(
                cluster.fraudJobJarId(),
                ENTRY_CLASS,
                spec.args(cluster.bootstrapServers()),
                spec.parallelism(),
                savepointPath,
                spec.flinkConfiguration());
    long running = cluster.flink().awaitAllTasksRunning(jobId, BenchCluster.deployTimeout());
    return new FraudJobRun(jobId, submitted, running);
  }

  public void cancel(BenchCluster cluster) throws IOException, InterruptedException {
    cluster.flink().cancel(jobId);
  }
}
