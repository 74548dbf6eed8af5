package io.fraudpipeline.chaos.scenario;

import io.fraudpipeline.bench.kafka.AlertWatcher;
import io.fraudpipeline.bench.kafka.ObservedAlert;
import io.fraudpipeline.bench.kafka.TopicReader;
import io.fraudpipeline.chaos.fault.ChaosContext;
import io.fraudpipeline.chaos.fault.Fault;
import io.fraudpipeline.chaos.fault.FaultLog;
import io.fraudpipeline.chaos.load.DlqCount;
import io.fraudpipeline.chaos.load.DlqReader;
import io.fraudpipeline.chaos.load.SteadyLoad;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.producer.send.RunProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs one fault under steady load and counts every alert: the expected ones from the records that
 * reached the transactions topic (the ground truth), the committed ones from a {@code
 * read_committed} watcher of the alerts topic.
 */
public final class ScenarioRunner {

  /** How long dead letters may lag behind the alerts (another sink, its own transactions). */
  private static final Duration DLQ_WAIT = Duration.ofSeconds(60);

  private final ChaosContext context;
  private final AlertWatcher alerts;
  private final String dlqTopic;
  private final ScenarioSettings settings;
  private long seed = 1;

  public ScenarioRunner(
      ChaosContext context, AlertWatcher alerts, String dlqTopic, ScenarioSettings settings) {
    this.context = context;
    this.alerts = alerts;
    this.dlqTopic = dlqTopic;
    this.settings = settings;
  }

  public ScenarioResult run(Fault fault) throws Exception {
    String bootstrap = context.cluster().kafka().bootstrapServers();
    try (TopicReader transactions = new TopicReader(bootstrap, context.transactionsTopic());
        DlqReader dlq = new DlqReader(bootstrap, dlqTopic)) {
      Map<TopicPartition, Long> from = transactions.endOffsets();
      Map<TopicPartition, Long> dlqFrom = dlq.endOffsets();
      int alertsBefore = alerts.count();
      long loadStart = System.currentTimeMillis();
      SteadyLoad load =
          SteadyLoad.start(
              bootstrap, context.transactionsTopic(), settings.ratePerSecond(), seed++);
      FaultLog log;
      RunProgress progress;
      try {
        Thread.sleep(settings.before().toMillis());
        // A fault is injected into a pipeline that delivers: recovery is measured from a flowing
        // state, not from a job still warming up. Earlier scenarios drained, so any new alert is
        // this scenario's.
        alerts.awaitFirst(alertsBefore, alert -> true, Duration.ofMinutes(3));
        log = fault.inject(context);
        Thread.sleep(settings.after().toMillis());
      } finally {
        progress = load.stop(Duration.ofMinutes(10));
      }
      double loadSeconds = (System.currentTimeMillis() - loadStart) / 1000.0;
      Map<TopicPartition, Long> to = transactions.endOffsets();
      TopicReader.GroundTruth truth = transactions.groundTruth(from, to, RuleSet.DEFAULT);
      try {
        alerts.awaitIds(truth.expectedAlerts().keySet(), settings.drainTimeout());
      } catch (IllegalStateException e) {
        log.note(
            "after " + settings.drainTimeout().toSeconds() + " s of waiting: " + e.getMessage());
      }
      // Late copies (a replayed transaction) arrive after the originals: wait for quiet.
      alerts.awaitQuiet(Duration.ofSeconds(10), Duration.ofSeconds(60));
      DlqCount dead = awaitDeadLetters(dlq, dlqFrom, from, to, truth, log);
      List<ObservedAlert> seen = alerts.alerts();
      return measure(
          fault,
          log,
          truth,
          seen.subList(alertsBefore, seen.size()),
          dead,
          progress,
          loadStart,
          loadSeconds);
    }
  }

  /**
   * Counts the scenario's dead letters, again until every expected one is visible to a {@code
   * read_committed} reader or {@link #DLQ_WAIT} has passed; says in the log what holds back those
   * still missing.
   */
  private DlqCount awaitDeadLetters(
      DlqReader dlq,
      Map<TopicPartition, Long> dlqFrom,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to,
      TopicReader.GroundTruth truth,
      FaultLog log)
      throws InterruptedException {
    long deadline = System.nanoTime() + DLQ_WAIT.toNanos();
    DlqCount dead = dlq.count(dlqFrom, byPartition(from), byPartition(to));
    while (dead.distinct() < truth.invalid() && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      dead = dlq.count(dlqFrom, byPartition(from), byPartition(to));
    }
    if (dead.distinct() < truth.invalid()) {
      log.note(
          (truth.invalid() - dead.distinct())
              + " dead letters still not visible to a read_committed reader "
              + DLQ_WAIT.toSeconds()
              + " s after the alerts were complete; records beyond the last stable offset, per"
              + " DLQ partition: "
              + dlq.uncommittedTail()
              + " (more than 0: a transaction on that partition is still open)");
    }
    return dead;
  }

  private ScenarioResult measure(
      Fault fault,
      FaultLog log,
      TopicReader.GroundTruth truth,
      List<ObservedAlert> observed,
      DlqCount dead,
      RunProgress progress,
      long loadStart,
      double loadSeconds) {
    Map<String, Long> expected = truth.expectedAlerts();
    long faultAt = log.startMillis();
    Set<String> distinct = new HashSet<>();
    long records = 0;
    long unexpected = 0;
    long recovery = -1;
    long worstAfter = 0;
    long worstBefore = -1;
    Map<Integer, Integer> perSecond = new HashMap<>();
    int lastSecond = 0;
    for (ObservedAlert alert : observed) {
      if (!truth.transactionIds().contains(alert.transactionId())) {
        continue; // another scenario's transaction
      }
      records++;
      distinct.add(alert.alertId());
      int second = (int) ((alert.visibleAtMillis() - loadStart) / 1000);
      perSecond.merge(second, 1, Integer::sum);
      lastSecond = Math.max(lastSecond, second);
      Long written = expected.get(alert.alertId());
      if (written == null) {
        unexpected++;
        continue;
      }
      long latency = alert.visibleAtMillis() - written;
      if (alert.visibleAtMillis() >= faultAt) {
        worstAfter = Math.max(worstAfter, latency);
        if (recovery < 0 && written >= faultAt) {
          recovery = alert.visibleAtMillis() - faultAt;
        }
      } else {
        worstBefore = Math.max(worstBefore, latency);
      }
    }
    long committed = distinct.stream().filter(expected::containsKey).count();
    int[] series = new int[lastSecond + 1];
    perSecond.forEach(
        (second, count) -> {
          if (second >= 0) {
            series[second] = count;
          }
        });
    List<Double> moments = new ArrayList<>();
    for (FaultLog.Moment moment : log.moments()) {
      moments.add((moment.atMillis() - loadStart) / 1000.0);
    }
    return new ScenarioResult(
        fault.id(),
        fault.title(),
        log,
        loadSeconds,
        truth.records(),
        progress.failed(),
        expected.size(),
        committed,
        expected.size() - committed,
        records - distinct.size(),
        unexpected,
        truth.invalid(),
        dead.records(),
        dead.duplicated(),
        recovery,
        worstAfter,
        worstBefore,
        series,
        moments);
  }

  private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
    Map<Integer, Long> result = new HashMap<>();
    offsets.forEach((partition, offset) -> result.put(partition.partition(), offset));
    return result;
  }
}
