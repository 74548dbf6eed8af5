package io.fraudpipeline.control.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Backtests that run for as long as a test needs, on a real Flink cluster of one slot started for
 * them: control planes started by {@link #controlPlane()} run backtests at parallelism 2, so their
 * jobs stay RUNNING, waiting for a slot (as a backtest does on a cluster that starts TaskManagers
 * on demand, while none has come up: such control planes say {@code fraud.flink.slots-on-demand},
 * else the backtest would be refused for want of slots). Their transactions are sent to the test's
 * broker under the given prefix.
 */
public final class WaitingBacktests implements AutoCloseable {

  private static final Duration LONG = Duration.ofMinutes(2);
  private static final String RULES =
      "[{\"id\": \"big\", \"kind\": \"threshold\", \"field\": \"amount\", \"operator\": \">\","
          + " \"limit\": 500}]";

  private final LocalFlink cluster;
  private final FlinkRestClient flink;
  private final Map<String, Object> settings;

  private WaitingBacktests(String prefix, Map<String, String> extra) {
    cluster = LocalFlink.start(new LocalFlink.Options(0, 1, 1, null, Map.of()));
    flink =
        new FlinkRestClient(
            URI.create(cluster.restUrl()), Duration.ofSeconds(10), Duration.ofMinutes(1));
    settings = new HashMap<>(TestKafka.settings(prefix));
    settings.put("fraud.backtests.parallelism", "2");
    settings.put("fraud.flink.slots-on-demand", "true");
    settings.put("fraud.backtests.cleanup-interval", "500ms");
    settings.put("fraud.backtests.output-topic-prefix", outputTopicPrefix(prefix));
    settings.put("fraud.leadership.session-timeout", "6s");
    settings.putAll(extra);
    sendTransactions(prefix);
  }

  /**
   * Starts the cluster and sends the transactions.
   *
   * @param extra control-plane settings beside the backtests' (prefixed topics, quick clean-up, a 6
   *     s session timeout)
   */
  public static WaitingBacktests start(String prefix, Map<String, String> extra) {
    return new WaitingBacktests(prefix, extra);
  }

  /** The output topic of backtests is this + their operation id. */
  public static String outputTopicPrefix(String prefix) {
    return prefix + "-output-";
  }

  /** A control plane on the test's broker and this cluster. */
  public ControlPlane controlPlane() {
    return controlPlane(Map.of());
  }

  /** A control plane on the test's broker and this cluster, with settings of its own besides. */
  public ControlPlane controlPlane(Map<String, String> extra) {
    Map<String, Object> own = new HashMap<>(settings);
    own.putAll(extra);
    return ControlPlane.start(cluster.restUrl(), TestKafka.broker().bootstrapServers(), own);
  }

  /** Sends 20 transactions of the last ten minutes to {@code <prefix>-transactions}. */
  private static void sendTransactions(String prefix) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 20; i++) {
        Transaction tx =
            new Transaction(
                prefix + "-" + i,
                "acct-" + (i % 3),
                BigDecimal.valueOf(100L * i),
                "EUR",
                "merchant",
                "retail",
                "NL",
                Instant.now().minusSeconds(600 - i));
        producer.send(
            new ProducerRecord<>(prefix + "-transactions", tx.accountId(), FraudJson.write(tx)));
      }
    }
  }

  /** Starts a backtest over the last 30 minutes and waits until its job runs; its operation id. */
  public String start(ApiClient api) {
    Instant to = Instant.now().minusSeconds(1);
    Reply accepted =
        api.write(
            "POST",
            "/api/v1/rules/backtests",
            "application/json",
            "{\"rules\": "
                + RULES
                + ", \"from\": \""
                + to.minus(Duration.ofMinutes(30))
                + "\", \"to\": \""
                + to
                + "\"}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String id = accepted.json().path("id").asString();
    await().atMost(LONG).until(() -> jobState(id), s -> s.equals(Optional.of(JobStatus.RUNNING)));
    return id;
  }

  @Override
  public void close() {
    flink.close();
    cluster.close();
  }

  /** The state of the backtest's Flink job, if there is one. */
  public Optional<JobStatus> jobState(String operationId) {
    return flink.jobsOverview().stream()
        .filter(j -> j.getJobName().equals("fraud-detection-backtest-" + operationId))
        .map(JobDetails::getStatus)
        .findFirst();
  }
}
