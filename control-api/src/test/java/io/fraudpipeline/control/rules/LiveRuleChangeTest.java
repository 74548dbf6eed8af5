package io.fraudpipeline.control.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The real fraud job (the embedded shaded jar, deployed through the API onto a Flink session
 * cluster with its REST API) applies a threshold changed with PATCH, without a restart: the rules
 * API reports the applied version from the job's own metric, and new alerts are judged by the new
 * threshold. The job's consumer lag, from its checkpoint commits, drains to zero.
 */
class LiveRuleChangeTest {

  private static final Logger log = LoggerFactory.getLogger(LiveRuleChangeTest.class);
  private static final String PREFIX = "live";
  private static final Duration LONG = Duration.ofMinutes(2);

  static LocalFlink flink;
  static ControlPlane control;
  static ApiClient api;

  @BeforeAll
  static void startPipeline() {
    // The REST API's metric cache refreshes every 10 s by default: 1 s keeps the test quick.
    flink =
        LocalFlink.start(
            new LocalFlink.Options(
                0, 1, 4, null, Map.of("metrics.fetcher.update-interval", "1000")));
    Map<String, Object> settings = new HashMap<>();
    settings.put("fraud.topics.transactions", PREFIX + "-transactions");
    settings.put("fraud.topics.fraud-alerts", PREFIX + "-alerts");
    settings.put("fraud.topics.fraud-alerts-shadow", PREFIX + "-alerts-shadow");
    settings.put("fraud.topics.transactions-dlq", PREFIX + "-dlq");
    settings.put("fraud.topics.fraud-rules", PREFIX + "-rules");
    settings.put("fraud.topics.rules-history", PREFIX + "-rules-history");
    settings.put("fraud.topics.savepoints", PREFIX + "-savepoints");
    settings.put("fraud.lag.poll-interval", "500ms");
    settings.put("fraud.lag.evaluation-window", "5s");
    control = ControlPlane.start(flink.restUrl(), TestKafka.broker().bootstrapServers(), settings);
    int port =
        Integer.parseInt(
            control
                .bean(org.springframework.core.env.Environment.class)
                .getRequiredProperty("local.server.port"));
    api = new ApiClient(port, ControlPlane.TOKEN);
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    Closing.inOrder(control, flink);
  }

  @Test
  void aPatchedThresholdIsAppliedLiveAndJudgesNewTransactions() {
    Reply deployed = api.write("POST", "/api/v1/jobs", "application/json", "{\"parallelism\": 1}");
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);

    // The job reports the built-in defaults before any change.
    JsonNode before =
        await()
            .atMost(LONG)
            .until(
                () -> api.get("/api/v1/rules").json(), r -> r.path("applied_version").isNumber());
    long version = before.path("version").asLong();
    assertThat(before.path("applied_version").asLong()).isEqualTo(version);
    assertThat(before.path("applied").asBoolean()).isTrue();

    long patchedAt = System.nanoTime();
    Reply patched =
        api.write(
            "PATCH",
            "/api/v1/rules",
            "application/merge-patch+json",
            "{\"amount_threshold\": 3000}",
            "If-Match",
            "\"" + version + "\"",
            "X-Updated-By",
            "live-test");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().path("version").asLong()).isEqualTo(version + 1);

    JsonNode applied =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> api.get("/api/v1/rules").json(),
                r -> r.path("applied_version").asLong() == version + 1);
    log.info(
        "Rules version {} reported applied {} ms after the PATCH",
        version + 1,
        (System.nanoTime() - patchedAt) / 1_000_000);
    assertThat(applied.path("applied").asBoolean()).isTrue();
    assertThat(applied.path("applied_at").asString()).isNotEmpty();
    assertThat(applied.path("job_id").asString())
        .isEqualTo(deployed.json().path("job_id").asString());

    // 4000 is under the old threshold (5000) and over the new one (3000); 2000 is under both.
    Set<String> expected = new HashSet<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 10; i++) {
        String id = "live-" + i;
        BigDecimal amount = new BigDecimal(i % 2 == 0 ? "4000" : "2000");
        Transaction tx =
            new Transaction(id, "acct-" + i, amount, "EUR", "shop", "retail", "NL", Instant.now());
        producer.send(
            new ProducerRecord<>(PREFIX + "-transactions", tx.accountId(), FraudJson.write(tx)));
        if (i % 2 == 0) {
          expected.add(id + ":amount_threshold");
        }
      }
    }

    JsonNode alerts =
        await()
            .atMost(LONG)
            .until(
                () -> api.get("/api/v1/alerts?limit=50").json(),
                a -> a.path("count").asInt() >= expected.size());
    Set<String> ids = new HashSet<>();
    for (JsonNode entry : alerts.path("alerts")) {
      JsonNode alert = entry.path("alert");
      ids.add(alert.path("alert_id").asString());
      assertThat(alert.path("rules_version").asLong()).isEqualTo(version + 1);
      assertThat(alert.path("threshold").decimalValue()).isEqualByComparingTo("3000");
    }
    assertThat(ids).isEqualTo(expected);

    String metrics = api.get("/actuator/prometheus").body();
    assertThat(metrics)
        .contains(
            "fraud_rules_version_desired{application=\"control-api\"} " + (version + 1) + ".0")
        .contains(
            "fraud_rules_version_applied{application=\"control-api\"} " + (version + 1) + ".0");

    // Flink commits the group's offsets on checkpoints: all ten transactions read, no lag left.
    JsonNode lag =
        await()
            .atMost(LONG)
            .until(
                () -> api.get("/api/v1/topics/lag").json(),
                l ->
                    committedSum(l) == 10
                        && l.path("lag_records").asLong() == 0
                        && "OK".equals(l.path("status").asString()));
    assertThat(lag.path("group_id").asString()).isEqualTo("fraud-job");
  }

  private static long committedSum(JsonNode lag) {
    long sum = 0;
    for (JsonNode p : lag.path("partitions")) {
      sum += p.path("committed_offset").asLong(0);
    }
    return sum;
  }

  private static KafkaProducer<String, byte[]> producer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }
}
