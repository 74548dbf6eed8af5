package io.fraudpipeline.control.backtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Backtests on a real broker and a real Flink cluster: the live job (the embedded jar, deployed
 * through the API) runs two named rules over generated transactions with known ground truth; a
 * backtest of the same rules over the same range, run by the control plane as a bounded Flink job
 * of the same jar, reports exactly the brute-force answer and exactly what the live job raised.
 */
class BacktestApiTest {

  private static final String PREFIX = "backtest";
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final String RULES =
      "[{\"id\": \"big-gambling\", \"kind\": \"threshold\", \"field\": \"amount\","
          + " \"operator\": \">\", \"limit\": 500, \"filter\": {\"merchant_category\": \"gambling\"}},"
          + " {\"id\": \"many-merchants\", \"kind\": \"aggregate\", \"group_by\": [\"account_id\"],"
          + " \"function\": \"count_distinct\", \"field\": \"merchant\", \"window\": \"PT1M\","
          + " \"operator\": \">=\", \"limit\": 3}]";
  // Live beside RULES, with no metrics in Flink: one active rule no transaction passes the filter
  // of (Flink's aggregated-metrics answer is empty when one id asked for does not exist, which
  // hid every rule's figures) and a paused rule of each kind.
  private static final String WITHOUT_METRICS =
      "{\"id\": \"never-matches\", \"kind\": \"threshold\", \"field\": \"amount\","
          + " \"operator\": \">\", \"limit\": 1, \"filter\": {\"merchant_category\": \"none-such\"}},"
          + " {\"id\": \"paused-threshold\", \"kind\": \"threshold\", \"state\": \"paused\","
          + " \"field\": \"amount\", \"operator\": \">\", \"limit\": 1},"
          + " {\"id\": \"paused-aggregate\", \"kind\": \"aggregate\", \"state\": \"paused\","
          + " \"group_by\": [\"account_id\"], \"function\": \"count\", \"window\": \"PT1M\","
          + " \"operator\": \">=\", \"limit\": 2}";

  static LocalFlink flink;
  static ControlPlane control;
  static ApiClient api;

  @BeforeAll
  static void startPipeline() {
    flink =
        LocalFlink.start(
            new LocalFlink.Options(
                0, 1, 4, null, Map.of("metrics.fetcher.update-interval", "1000")));
    Map<String, Object> settings = new HashMap<>(TestKafka.settings(PREFIX));
    settings.put("fraud.backtests.max-concurrent", "1");
    settings.put("fraud.backtests.poll-interval", "250ms");
    settings.put("fraud.backtests.output-topic-prefix", PREFIX + "-output-");
    control = ControlPlane.start(flink.restUrl(), TestKafka.broker().bootstrapServers(), settings);
    api = new ApiClient(control.port(), ControlPlane.TOKEN);
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    Closing.inOrder(control, flink);
  }

  @Test
  void refusesInvalidCandidatesAndRangesWithAProblemPerField() {
    Instant now = Instant.now();
    Reply invalid =
        post(
            "{\"rules\": [{\"id\": \"too-wide\", \"kind\": \"aggregate\", \"group_by\":"
                + " [\"account_id\"], \"function\": \"count\", \"window\": \"P2D\", \"operator\":"
                + " \">\", \"limit\": 3, \"colour\": \"red\"}], \"from\": \""
                + now
                + "\", \"to\": \""
                + now.minusSeconds(60)
                + "\", \"extra\": 1}");
    assertThat(invalid.status()).as(invalid.body()).isEqualTo(400);
    assertThat(invalid.problemType()).isEqualTo("validation");
    assertThat(errorFields(invalid)).containsExactlyInAnyOrder("extra", "to", "rules[0].colour");

    Reply badWindow =
        post(
            "{\"rules\": [{\"id\": \"too-wide\", \"kind\": \"aggregate\", \"group_by\":"
                + " [\"account_id\"], \"function\": \"count\", \"window\": \"P2D\", \"operator\":"
                + " \">\", \"limit\": 3}], \"from\": \""
                + now.minus(Duration.ofDays(30))
                + "\", \"to\": \""
                + now.plusSeconds(3600)
                + "\"}");
    assertThat(badWindow.status()).as(badWindow.body()).isEqualTo(400);
    assertThat(errorFields(badWindow)).contains("rules[0].window", "to");
    assertThat(badWindow.body()).contains("max-span").contains("future");

    Reply noRules = post("{\"from\": \"" + now.minusSeconds(60) + "\", \"to\": \"" + now + "\"}");
    assertThat(errorFields(noRules)).containsExactly("rules");

    Reply anonymous =
        api.writeWithoutToken(
            "POST", "/api/v1/rules/backtests", "application/json", backtest(RULES, now, now));
    assertThat(anonymous.status()).isEqualTo(401);
  }

  @Test
  void reportsExactlyTheBruteForceAlertsAndWhatTheLiveJobRaisedForTheSameRules() {
    long version = api.get("/api/v1/rules").json().path("version").asLong();
    // The built-in amount rule out of reach: the live alerts are the named rules' only.
    Reply put =
        api.write(
            "PUT",
            "/api/v1/rules",
            "application/json",
            "{\"amount_threshold\": 1000000, \"rules\": "
                + RULES.replace("}]", "}, " + WITHOUT_METRICS + "]")
                + "}",
            "If-Match",
            "\"" + version + "\"");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    // Before the job (which the deploy below proves none ran): the rules, with no figures.
    JsonNode beforeJob =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> api.get("/api/v1/rules/stats").json(),
                s -> s.path("version").asLong() == version + 1);
    assertThat(beforeJob.path("job_id").isString()).isFalse();
    assertThat(beforeJob.path("rules")).hasSize(5);
    beforeJob
        .path("rules")
        .forEach(r -> assertThat(r.path("evaluations").isNumber()).as(r.toString()).isFalse());
    Reply deployed = api.write("POST", "/api/v1/jobs", "application/json", "{\"parallelism\": 1}");
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
    await()
        .atMost(LONG)
        .until(
            () -> api.get("/api/v1/rules").json(),
            r -> r.path("applied_version").asLong() == version + 1);
    // Confirmed only once every rules operator applied it, aggregate-rules included.
    JsonNode job = api.get("/api/v1/jobs/" + deployed.json().path("job_id").asString()).json();
    assertThat(job.path("rules_versions_by_operator").toString())
        .isEqualTo(
            "{\"aggregate-rules\":"
                + (version + 1)
                + ",\"evaluate-rules\":"
                + (version + 1)
                + ",\"velocity-rule\":"
                + (version + 1)
                + "}");

    Instant base = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    List<Transaction> txs = generate(base, 150);
    Instant from = base.plusSeconds(30);
    Instant to = base.plusSeconds(250);
    List<Transaction> ticks = new ArrayList<>();
    for (int a = 0; a < 6; a++) {
      ticks.add(
          new Transaction(
              "tick-" + a,
              "acct-" + a,
              BigDecimal.ONE,
              "EUR",
              "tick",
              "tick",
              "NL",
              Instant.now().minusSeconds(1)));
    }
    send(txs);
    // Event time past every window on both partitions, so the live job judges every transaction.
    send(ticks);

    Map<String, Set<String>> expected = bruteForce(txs, from, to);
    Set<String> expectedAlertIds = new HashSet<>();
    expected.forEach((rule, ids) -> ids.forEach(id -> expectedAlertIds.add(id + ":" + rule)));
    assertThat(expected.get("big-gambling")).isNotEmpty();
    assertThat(expected.get("many-merchants")).isNotEmpty();

    await()
        .atMost(LONG)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> alertIdsInRange(from, to), ids -> ids.equals(expectedAlertIds));

    // What the job reports per rule: every alert it committed, and every transaction each rule
    // judged: big-gambling those its filter lets through, on the main path at once; many-merchants
    // all of txs, once the watermark passed them (the ticks wait for one that never comes).
    long judgedByBigGambling =
        Stream.concat(txs.stream(), ticks.stream())
            .filter(t -> t.merchantCategory().equals("gambling"))
            .count();
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Map<String, Long> committedPerRule = new HashMap<>();
              for (FraudAlert alert : committedAlerts()) {
                committedPerRule.merge(alert.ruleId(), 1L, Long::sum);
              }
              JsonNode s = api.get("/api/v1/rules/stats").json();
              assertThat(ruleStats(s, "big-gambling").path("evaluations").asLong())
                  .isEqualTo(judgedByBigGambling);
              assertThat(ruleStats(s, "many-merchants").path("evaluations").asLong())
                  .isEqualTo(txs.size());
              assertThat(ruleStats(s, "big-gambling").path("alerts").asLong())
                  .isEqualTo(committedPerRule.getOrDefault("big-gambling", 0L));
              assertThat(ruleStats(s, "many-merchants").path("alerts").asLong())
                  .isEqualTo(committedPerRule.getOrDefault("many-merchants", 0L));
            });
    // Only now is it final: alerts of transactions after the range (released by the ticks'
    // watermark) may commit a checkpoint after those in it.
    int liveAlertsBefore = committedAlerts().size();
    JsonNode stats = api.get("/api/v1/rules/stats").json();
    assertThat(stats.path("job_id").asString())
        .isEqualTo(deployed.json().path("job_id").asString());
    assertThat(stats.path("version").asLong()).isEqualTo(version + 1);
    JsonNode manyMerchants = ruleStats(stats, "many-merchants");
    assertThat(manyMerchants.path("kind").asString()).isEqualTo("aggregate");
    assertThat(manyMerchants.path("state").asString()).isEqualTo("active");
    // The meters' names resolve too (their values depend on the last minute's pace).
    assertThat(manyMerchants.path("evaluations_per_second").isNumber()).isTrue();
    assertThat(ruleStats(stats, "big-gambling").path("alerts_per_second").isNumber()).isTrue();
    for (String withoutMetrics : List.of("never-matches", "paused-threshold", "paused-aggregate")) {
      JsonNode rule = ruleStats(stats, withoutMetrics);
      assertThat(rule.path("evaluations").isNumber()).as(rule.toString()).isFalse();
      assertThat(rule.path("alerts_per_second").isNumber()).as(rule.toString()).isFalse();
    }

    Reply accepted = post(backtest(RULES, from, to));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String location = accepted.header("Location");
    assertThat(location).startsWith("/api/v1/operations/");
    assertThat(accepted.json().path("kind").asString()).isEqualTo("BACKTEST");
    assertThat(accepted.json().path("progress").path("total").asLong())
        .as("every record from the widest window before `from` to the end")
        .isEqualTo(txs.size() + ticks.size());

    JsonNode done =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> api.get(location).json(),
                op -> !"IN_PROGRESS".equals(op.path("state").asString()));
    assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("COMPLETED");
    JsonNode report = done.path("result");

    Set<String> alerted = new HashSet<>();
    expected.values().forEach(alerted::addAll);
    assertThat(report.path("alerts").asLong()).isEqualTo(expectedAlertIds.size());
    assertThat(report.path("alerted_transactions").asLong()).isEqualTo(alerted.size());
    assertThat(report.path("distinct_accounts").asLong())
        .isEqualTo(
            txs.stream()
                .filter(t -> alerted.contains(t.transactionId()))
                .map(Transaction::accountId)
                .distinct()
                .count());
    for (String rule : expected.keySet()) {
      assertThat(report.path("alerts_per_rule").path(rule).asLong())
          .as(rule)
          .isEqualTo(expected.get(rule).size());
    }
    Map<Instant, Long> perHour = new TreeMap<>();
    for (String alertId : expectedAlertIds) {
      String txId = alertId.substring(0, alertId.indexOf(':'));
      Instant t =
          txs.stream().filter(x -> x.transactionId().equals(txId)).findFirst().get().timestamp();
      perHour.merge(t.truncatedTo(ChronoUnit.HOURS), 1L, Long::sum);
    }
    Map<Instant, Long> reportedPerHour = new TreeMap<>();
    report
        .path("alerts_per_hour")
        .forEach(
            h ->
                reportedPerHour.put(
                    Instant.parse(h.path("hour").asString()), h.path("alerts").asLong()));
    assertThat(reportedPerHour).isEqualTo(perHour);
    assertThat(report.path("sample").size()).isEqualTo(Math.min(20, expectedAlertIds.size()));
    report
        .path("sample")
        .forEach(a -> assertThat(expectedAlertIds).contains(a.path("alert_id").asString()));

    JsonNode overlap = report.path("overlap");
    assertThat(overlap.path("live_transactions").asLong()).isEqualTo(alerted.size());
    assertThat(overlap.path("both").asLong()).isEqualTo(alerted.size());
    assertThat(overlap.path("only_live").asLong()).isZero();
    assertThat(overlap.path("only_backtest").asLong()).isZero();
    assertThat(done.path("progress").path("done").asLong())
        .isEqualTo(done.path("progress").path("total").asLong());

    // A stricter candidate: what it drops shows as alerted only live.
    String stricter = RULES.replace("\"limit\": 500", "\"limit\": 800");
    Reply second = post(backtest(stricter, from, to));
    assertThat(second.status()).as(second.body()).isEqualTo(202);
    JsonNode secondDone =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> api.get(second.header("Location")).json(),
                op -> !"IN_PROGRESS".equals(op.path("state").asString()));
    assertThat(secondDone.path("state").asString()).isEqualTo("COMPLETED");
    Set<String> stricterAlerted = new HashSet<>(expected.get("many-merchants"));
    txs.stream()
        .filter(
            t ->
                inRange(t, from, to)
                    && t.merchantCategory().equals("gambling")
                    && t.amount().compareTo(new BigDecimal("800")) > 0)
        .forEach(t -> stricterAlerted.add(t.transactionId()));
    JsonNode secondOverlap = secondDone.path("result").path("overlap");
    assertThat(secondOverlap.path("both").asLong()).isEqualTo(stricterAlerted.size());
    assertThat(secondOverlap.path("only_live").asLong())
        .isEqualTo(alerted.size() - stricterAlerted.size())
        .isPositive();
    assertThat(secondOverlap.path("only_backtest").asLong()).isZero();

    // Nothing reached the alerts topic, and the backtests' own topics are gone.
    assertThat(committedAlerts()).hasSize(liveAlertsBefore);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.broker().bootstrapServers()))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(admin.listTopics().names().get())
                      .noneMatch(n -> n.startsWith(PREFIX + "-output-")));
    }

    // Paused after it judged transactions: no figures, although Flink keeps its metrics.
    Reply paused =
        api.write(
            "PUT",
            "/api/v1/rules",
            "application/json",
            "{\"amount_threshold\": 1000000, \"rules\": "
                + RULES.replace(
                    "\"kind\": \"threshold\",", "\"kind\": \"threshold\", \"state\": \"paused\",")
                + "}",
            "If-Match",
            "\"" + (version + 1) + "\"");
    assertThat(paused.status()).as(paused.body()).isEqualTo(200);
    await()
        .atMost(LONG)
        .until(
            () -> api.get("/api/v1/rules").json(),
            r -> r.path("applied_version").asLong() == version + 2);
    JsonNode afterPause = api.get("/api/v1/rules/stats").json();
    JsonNode pausedRule = ruleStats(afterPause, "big-gambling");
    assertThat(pausedRule.path("state").asString()).isEqualTo("paused");
    assertThat(pausedRule.path("evaluations").isNumber()).as(pausedRule.toString()).isFalse();
    assertThat(pausedRule.path("alerts").isNumber()).as(pausedRule.toString()).isFalse();
    assertThat(ruleStats(afterPause, "many-merchants").path("evaluations").asLong())
        .isEqualTo(txs.size());

    // A range hours before the data: its records are all stamped after the range and its
    // lookback, and dated after it, so nothing is read (it read the whole topic before).
    Reply past =
        post(backtest(RULES, base.minus(Duration.ofHours(3)), base.minus(Duration.ofHours(2))));
    assertThat(past.status()).as(past.body()).isEqualTo(202);
    assertThat(past.json().path("progress").path("total").asLong()).isZero();
    JsonNode pastDone =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> api.get(past.header("Location")).json(),
                op -> !"IN_PROGRESS".equals(op.path("state").asString()));
    assertThat(pastDone.path("state").asString()).as(pastDone.toString()).isEqualTo("COMPLETED");
    assertThat(pastDone.path("result").path("records_read").asLong()).isZero();
    assertThat(pastDone.path("result").path("alerts").asLong()).isZero();
  }

  @Test
  void aBacktestBeyondTheLimitIsRefusedAndOneInProgressCanBeCancelled() {
    // The limit counts every backtest in progress: let another test's end first.
    await()
        .atMost(LONG)
        .until(
            () -> api.get("/api/v1/operations").json().path("operations").toString(),
            ops -> !ops.contains("IN_PROGRESS"));
    Instant to = Instant.now().minusSeconds(1);
    Instant from = to.minus(Duration.ofMinutes(30));
    Reply first = post(backtest(RULES, from, to));
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    Reply second = post(backtest(RULES, from, to));
    assertThat(second.status()).as(second.body()).isEqualTo(429);
    assertThat(second.problemType()).isEqualTo("too-many-requests");

    Reply cancel = api.delete(first.header("Location"));
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
    JsonNode ended =
        await()
            .atMost(LONG)
            .until(
                () -> api.get(first.header("Location")).json(),
                op -> !"IN_PROGRESS".equals(op.path("state").asString()));
    assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("CANCELLED");
    Reply again = api.delete(first.header("Location"));
    assertThat(again.status()).isEqualTo(409);
  }

  private static List<Transaction> generate(Instant base, int count) {
    Random random = new Random(16);
    List<Transaction> txs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String account = "acct-" + random.nextInt(6);
      String category = random.nextInt(4) == 0 ? "gambling" : "retail";
      txs.add(
          new Transaction(
              "bt-" + i,
              account,
              BigDecimal.valueOf(10 + random.nextInt(990)),
              "EUR",
              "merchant-" + random.nextInt(5),
              category,
              "NL",
              base.plusSeconds(2L * i)));
    }
    return txs;
  }

  private static boolean inRange(Transaction t, Instant from, Instant to) {
    return !t.timestamp().isBefore(from) && t.timestamp().isBefore(to);
  }

  /**
   * The two rules by their documented meaning, per transaction of the range: gambling above 500; 3
   * or more distinct merchants of the account within the minute ending at it (inclusive).
   */
  private static Map<String, Set<String>> bruteForce(
      List<Transaction> txs, Instant from, Instant to) {
    Map<String, Set<String>> alerts = new TreeMap<>();
    alerts.put("big-gambling", new HashSet<>());
    alerts.put("many-merchants", new HashSet<>());
    for (Transaction t : txs) {
      if (!inRange(t, from, to)) {
        continue;
      }
      if (t.merchantCategory().equals("gambling")
          && t.amount().compareTo(new BigDecimal("500")) > 0) {
        alerts.get("big-gambling").add(t.transactionId());
      }
      Set<String> merchants = new HashSet<>();
      for (Transaction u : txs) {
        if (u.accountId().equals(t.accountId())
            && !u.timestamp().isAfter(t.timestamp())
            && u.timestamp().isAfter(t.timestamp().minusSeconds(60))) {
          merchants.add(u.merchant());
        }
      }
      if (merchants.size() >= 3) {
        alerts.get("many-merchants").add(t.transactionId());
      }
    }
    return alerts;
  }

  private static JsonNode ruleStats(JsonNode stats, String ruleId) {
    for (JsonNode rule : stats.path("rules")) {
      if (rule.path("id").asString().equals(ruleId)) {
        return rule;
      }
    }
    throw new AssertionError("no rule " + ruleId + " in " + stats);
  }

  private static Set<String> alertIdsInRange(Instant from, Instant to) {
    Set<String> ids = new HashSet<>();
    for (FraudAlert alert : committedAlerts()) {
      if (!alert.eventTime().isBefore(from) && alert.eventTime().isBefore(to)) {
        ids.add(alert.alertId());
      }
    }
    return ids;
  }

  private static List<FraudAlert> committedAlerts() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<FraudAlert> alerts = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(PREFIX + "-alerts", Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          alerts.add(FraudJson.readAlert(r.value()));
        }
      }
    }
    return alerts;
  }

  private static void send(List<Transaction> txs) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (Transaction tx : txs) {
        producer.send(
            new ProducerRecord<>(PREFIX + "-transactions", tx.accountId(), FraudJson.write(tx)));
      }
    }
  }

  private static String backtest(String rules, Instant from, Instant to) {
    return "{\"rules\": " + rules + ", \"from\": \"" + from + "\", \"to\": \"" + to + "\"}";
  }

  private static Reply post(String body) {
    return api.write("POST", "/api/v1/rules/backtests", "application/json", body);
  }

  private static List<String> errorFields(Reply reply) {
    List<String> fields = new ArrayList<>();
    reply.json().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    return fields;
  }
}
