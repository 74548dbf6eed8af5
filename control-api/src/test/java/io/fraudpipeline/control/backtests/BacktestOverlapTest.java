package io.fraudpipeline.control.backtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A backtest's {@code overlap}, from live alerts read off a real broker: the analyst's workflow is
 * "put the rule in shadow, then backtest it", so the report compares the backtest with the shadow
 * run too, beside (not inside) the comparison with the active alerts.
 */
class BacktestOverlapTest {

  private static final String PREFIX = "backtest-overlap";
  private static final Instant FROM = Instant.parse("2026-12-07T07:00:00Z");
  private static final Instant TO = FROM.plus(Duration.ofMinutes(10));

  private static final NamedRule BIG =
      rule("big", "active", "threshold", null, null, "amount", ">", "500");
  private static final NamedRule MANY_MERCHANTS =
      rule(
          "many-merchants",
          "shadow",
          "aggregate",
          "count_distinct",
          "PT10M",
          "merchant",
          ">=",
          "3");
  private static final NamedRule OTHER_SHADOW =
      rule("other-shadow", "shadow", "aggregate", "count", "PT1M", null, ">=", "2");

  @Test
  void comparesTheBacktestWithTheShadowRunBesideTheActiveAlerts() {
    TopicsProperties topics = topics();
    TestKafka.broker().createTopic(topics.fraudAlerts(), 2, Map.of());
    TestKafka.broker().createTopic(topics.fraudAlertsShadow(), 2, Map.of());
    // Live: the active rule on t1 and t2; in shadow, the candidate on t2, t3 and t4, another
    // shadow rule on t3 as well, and the candidate on t9, whose transaction is after the range.
    send(topics.fraudAlerts(), alert("t1", 1, BIG), alert("t2", 2, BIG));
    send(
        topics.fraudAlertsShadow(),
        alert("t2", 2, MANY_MERCHANTS),
        alert("t3", 3, MANY_MERCHANTS),
        alert("t3", 3, OTHER_SHADOW),
        alert("t4", 4, MANY_MERCHANTS),
        alert("t9", 11, MANY_MERCHANTS));
    // The backtest of the shadow rule finds t3, t4 and t5 (a transaction before it was added).
    NamedRule candidate = active(MANY_MERCHANTS);
    List<FraudAlert> backtest =
        List.of(alert("t3", 3, candidate), alert("t4", 4, candidate), alert("t5", 5, candidate));

    List<FraudAlert> live;
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.broker().bootstrapServers()))) {
      live = new BacktestKafka(admin, consumers(), topics).liveAlerts(FROM, TO, Duration.ZERO);
    }
    BacktestRequest request =
        new BacktestRequest(
            new RuleSet(0, null, null, null, null, null, List.of(candidate)), FROM, TO);
    JsonNode overlap =
        FraudJson.mapper()
            .valueToTree(BacktestReport.of(request, 100, backtest, live, 10))
            .path("overlap");

    // Against the active alerts, as before: none of the backtest's transactions was alerted on.
    assertThat(overlap.path("live_alerts").asLong()).isEqualTo(2);
    assertThat(overlap.path("live_transactions").asLong()).isEqualTo(2);
    assertThat(overlap.path("both").asLong()).isZero();
    assertThat(overlap.path("only_live").asLong()).isEqualTo(2);
    assertThat(overlap.path("only_backtest").asLong()).isEqualTo(3);
    // Against the shadow run: t3 and t4 in both, t2 only live, t5 only in the backtest.
    JsonNode shadow = overlap.path("shadow");
    assertThat(shadow.path("live_alerts").asLong()).as(overlap.toString()).isEqualTo(4);
    assertThat(shadow.path("live_transactions").asLong()).isEqualTo(3);
    assertThat(shadow.path("both").asLong()).isEqualTo(2);
    assertThat(shadow.path("only_live").asLong()).isEqualTo(1);
    assertThat(shadow.path("only_backtest").asLong()).isEqualTo(1);
  }

  private static FraudAlert alert(String transactionId, int minute, NamedRule rule) {
    Transaction tx =
        new Transaction(
            transactionId,
            "acct-1",
            new BigDecimal("600"),
            "EUR",
            "m1",
            "retail",
            "NL",
            FROM.plus(Duration.ofMinutes(minute)));
    return FraudAlert.namedRuleAlert(
        tx, rule, 1, Map.of("account_id", "acct-1"), BigDecimal.TEN, tx.timestamp());
  }

  private static NamedRule rule(
      String id,
      String state,
      String kind,
      String function,
      String window,
      String field,
      String operator,
      String limit) {
    return new NamedRule(
        id,
        null,
        state,
        kind,
        field,
        operator,
        new BigDecimal(limit),
        null,
        function == null ? null : List.of("account_id"),
        function,
        window);
  }

  /** A backtest evaluates every candidate as active (its alerts are never the shadow topic's). */
  private static NamedRule active(NamedRule rule) {
    return new NamedRule(
        rule.id(),
        rule.name(),
        "active",
        rule.kind(),
        rule.field(),
        rule.operator(),
        rule.limit(),
        rule.filter(),
        rule.groupBy(),
        rule.function(),
        rule.window());
  }

  /** Each alert at its transaction's event time, as the job's sink stamps it. */
  private static void send(String topic, FraudAlert... alerts) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (FraudAlert alert : alerts) {
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                alert.eventTime().toEpochMilli(),
                alert.accountId(),
                FraudJson.write(alert)));
      }
    }
  }

  private static TopicsProperties topics() {
    Map<String, String> settings = TestKafka.settings(PREFIX);
    return new TopicsProperties(
        settings.get("fraud.topics.transactions"),
        settings.get("fraud.topics.fraud-alerts"),
        settings.get("fraud.topics.transactions-dlq"),
        settings.get("fraud.topics.fraud-rules"),
        settings.get("fraud.topics.savepoints"),
        2,
        (short) 1,
        settings.get("fraud.topics.rules-history"),
        settings.get("fraud.topics.operations"),
        settings.get("fraud.topics.pipeline"),
        settings.get("fraud.topics.pipeline-status"),
        settings.get("fraud.topics.events"),
        settings.get("fraud.topics.leadership"),
        settings.get("fraud.topics.fraud-alerts-shadow"),
        Duration.ofSeconds(3));
  }

  private static ReadCommittedConsumers consumers() {
    KafkaProperties kafka = new KafkaProperties();
    kafka.setBootstrapServers(List.of(TestKafka.broker().bootstrapServers()));
    return new ReadCommittedConsumers(
        new DefaultKafkaConsumerFactory<>(kafka.buildConsumerProperties()));
  }
}
