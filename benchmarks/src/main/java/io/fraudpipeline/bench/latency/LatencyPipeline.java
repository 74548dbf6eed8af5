package io.fraudpipeline.bench.latency;

import io.fraudpipeline.bench.cluster.BenchCluster;
import io.fraudpipeline.bench.cluster.FraudJobRun;
import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.bench.kafka.ObservedAlert;
import io.fraudpipeline.bench.kafka.TopicReader;
import io.fraudpipeline.bench.report.Percentiles;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunProgress;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A running fraud job with its own topics, fed live by the synthetic producer at a paced rate; each
 * {@link #measure} sends for a while and reports how long the alerts took.
 */
final class LatencyPipeline implements AutoCloseable {

  private final BenchCluster cluster;
  private final String transactions;
  private final String[] topics;
  private final AlertWatcher watcher;
  private final TopicReader reader;
  private final FraudJobRun job;
  private final double fraudRatio;
  private long runs;
  private final long seed;

  private LatencyPipeline(
      BenchCluster cluster,
      String transactions,
      String[] topics,
      AlertWatcher watcher,
      TopicReader reader,
      FraudJobRun job,
      double fraudRatio,
      long seed) {
    this.cluster = cluster;
    this.transactions = transactions;
    this.topics = topics;
    this.watcher = watcher;
    this.reader = reader;
    this.job = job;
    this.fraudRatio = fraudRatio;
    this.seed = seed;
  }

  /**
   * Creates the topics and starts the job (parallelism 1, with {@code flinkConfiguration} on top of
   * the cluster's settings) and the alert watcher.
   */
  static LatencyPipeline start(
      BenchCluster cluster,
      String name,
      boolean exactlyOnce,
      int partitions,
      Duration checkpointInterval,
      double fraudRatio,
      long seed,
      Map<String, String> flinkConfiguration)
      throws Exception {
    String transactions = name + "-transactions";
    String alerts = name + "-alerts";
    String dlq = name + "-dlq";
    String rules = name + "-rules";
    cluster.createTopic(transactions, partitions, Map.of());
    cluster.createTopic(alerts, partitions, BenchCluster.LOG_APPEND_TIME);
    cluster.createTopic(dlq, 1, Map.of());
    cluster.createTopic(rules, 1, BenchCluster.COMPACTED);
    AlertWatcher watcher = AlertWatcher.start(cluster.bootstrapServers(), alerts);
    TopicReader reader = new TopicReader(cluster.bootstrapServers(), transactions);
    FraudJobRun job =
        FraudJobRun.start(
            cluster,
            new FraudJobRun.Spec(
                name,
                exactlyOnce,
                1,
                checkpointInterval,
                transactions,
                alerts,
                dlq,
                rules,
                flinkConfiguration));
    return new LatencyPipeline(
        cluster,
        transactions,
        new String[] {transactions, alerts, dlq, rules},
        watcher,
        reader,
        job,
        fraudRatio,
        seed);
  }

  /**
   * Sends at {@code rate} for {@code duration}, waits for every alert the records must raise, and
   * measures each alert's latency.
   */
  LatencySample measure(long rate, Duration duration) throws Exception {
    Map<TopicPartition, Long> from = reader.endOffsets();
    int accounts =
        (int)
            Math.min(
                GeneratorSettings.MAX_ACCOUNTS,
                Math.max(
                    GeneratorSettings.DEFAULT_ACCOUNTS,
                    GeneratorSettings.minimumAccounts(
                        rate,
                        GeneratorSettings.DEFAULT_VELOCITY_MAX_TRANSACTIONS,
                        GeneratorSettings.DEFAULT_VELOCITY_WINDOW)));
    long runSeed = seed + runs++;
    RunSettings settings =
        RunSettings.builder()
            .bootstrapServers(cluster.bootstrapServers())
            .topic(transactions)
            .ratePerSecond(rate)
            .duration(duration)
            .generator(
                g -> g.seed(runSeed).accounts(accounts).fraudRatio(fraudRatio).velocityShare(0.0))
            .build();
    ProducerRun run = SyntheticProducer.start(settings, Map.of());
    if (!run.awaitCompletion(duration.plusMinutes(2))) {
      run.stop();
      throw new IllegalStateException("the producer did not finish at " + rate + "/s");
    }
    RunProgress sent = run.progress();
    if (!sent.allAcknowledged()) {
      throw new IllegalStateException("the producer failed at " + rate + "/s: " + sent);
    }
    Map<TopicPartition, Long> to = reader.endOffsets();
    Map<String, Long> created = reader.alertingTransactions(from, to, RuleSet.DEFAULT);
    Map<String, ObservedAlert> seen =
        watcher.awaitIds(created.keySet(), duration.multipliedBy(3).plusSeconds(30));
    long[] toAppend = new long[created.size()];
    long[] toVisible = new long[created.size()];
    int i = 0;
    for (Map.Entry<String, Long> e : created.entrySet()) {
      ObservedAlert alert = seen.get(e.getKey());
      toAppend[i] = alert.recordTimestamp() - e.getValue();
      toVisible[i] = alert.visibleAtMillis() - e.getValue();
      i++;
    }
    if (created.isEmpty()) {
      throw new IllegalStateException("no alert-raising transaction sent at " + rate + "/s");
    }
    return new LatencySample(
        rate, sent.averageRate(), Percentiles.of(toAppend), Percentiles.of(toVisible));
  }

  @Override
  public void close() throws Exception {
    try {
      job.cancel(cluster);
    } finally {
      watcher.close();
      reader.close();
      cluster.deleteTopics(topics);
    }
  }
}
