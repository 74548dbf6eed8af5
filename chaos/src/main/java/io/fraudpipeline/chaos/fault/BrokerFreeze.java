package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.chaos.cluster.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * {@code SIGSTOP} of the broker leading a transactions partition, {@code SIGCONT} after a while: a
 * broker that hangs with its connections open, as on a long GC pause or a stalled disk.
 *
 * <p>While the broker is frozen the harness watches where that partition's leadership goes, so the
 * report says when Kafka itself moved it (the controller fences a broker that misses heartbeats for
 * {@code broker.session.timeout.ms}): until then no client can write there, whatever it does.
 */
public final class BrokerFreeze implements Fault {

  /** Short, so a question that lands on the frozen broker costs little and is asked elsewhere. */
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private static final int PARTITION = 1;

  private final Duration frozenFor;

  public BrokerFreeze(Duration frozenFor) {
    this.frozenFor = frozenFor;
  }

  @Override
  public String id() {
    return "broker-freeze";
  }

  @Override
  public String title() {
    return "a broker frozen for " + frozenFor.toSeconds() + " s (SIGSTOP, then SIGCONT)";
  }

  @Override
  public FaultLog inject(ChaosContext context) throws Exception {
    String topic = context.transactionsTopic();
    int nodeId = context.cluster().kafka().leaderOf(topic, PARTITION);
    ChildProcess broker = context.cluster().kafka().broker(nodeId);
    FaultLog log = new FaultLog().mark("SIGSTOP kafka-" + nodeId);
    long frozenAt = System.nanoTime();
    broker.freeze();
    String moved;
    try (Admin admin = watcher(context.cluster().kafka().bootstrapServers())) {
      moved = awaitNewLeader(admin, topic, nodeId, frozenAt, log);
      long left = frozenFor.toNanos() - (System.nanoTime() - frozenAt);
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
    } finally {
      broker.thaw();
    }
    log.mark("SIGCONT");
    log.note(
        "kafka-"
            + nodeId
            + " (leader of "
            + topic
            + "-"
            + PARTITION
            + ") frozen with SIGSTOP for "
            + frozenFor.toSeconds()
            + " s, then resumed with SIGCONT");
    log.note(moved);
    return log.note(
        "Why alerts wait past that move: under exactly-once a checkpoint completes only after"
            + " every sink has flushed its Kafka transaction, and Flink's KafkaSink"
            + " (flink-connector-kafka 5.0, FlinkKafkaInternalProducer.flushNewPartitions) waits"
            + " for the transaction coordinator's answer with no deadline of its own. A sink whose"
            + " transaction coordinator, or whose in-flight batches, sat on the frozen broker waits"
            + " until its producer gives up on that broker (the job's --kafka-request-timeout),"
            + " finds where Kafka moved the coordinator and the partitions, and retries; the"
            + " difference between the move above and 'Alerts flow again after' below is that"
            + " wait. Nothing is lost or duplicated meanwhile: each open transaction commits or"
            + " aborts as a whole");
  }

  @Override
  public void heal(ChaosContext context) throws InterruptedException {
    context.awaitKafkaHealthy();
  }

  /** Polls the partition's leader until it is another broker or the freeze is over. */
  private String awaitNewLeader(
      Admin admin, String topic, int frozenNode, long frozenAt, FaultLog log)
      throws InterruptedException {
    long end = frozenAt + frozenFor.toNanos();
    while (System.nanoTime() < end) {
      try {
        Node leader =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions()
                .get(PARTITION)
                .leader();
        if (leader != null && leader.id() != frozenNode) {
          double after = (System.nanoTime() - frozenAt) / 1e9;
          log.mark(topic + "-" + PARTITION + " leader: kafka-" + leader.id());
          return String.format(
              Locale.ROOT,
              "%.1f s after SIGSTOP the controller had fenced kafka-%d and %s-%d was led by"
                  + " kafka-%d (Kafka's default broker.session.timeout.ms, 9 s, not changed here): until then no client"
                  + " can write to the partitions the frozen broker leads. A client's request"
                  + " already sent to it waits for the client's request.timeout.ms before it is"
                  + " retried on the new leader",
              after,
              frozenNode,
              topic,
              PARTITION,
              leader.id());
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // asked the frozen broker, or the controller is moving: ask again
      }
      Thread.sleep(250);
    }
    return "the leadership of " + topic + "-" + PARTITION + " did not move during the freeze";
  }

  private static Admin watcher(String bootstrapServers) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            (int) ASK_TIMEOUT.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) ASK_TIMEOUT.toMillis()));
  }
}
