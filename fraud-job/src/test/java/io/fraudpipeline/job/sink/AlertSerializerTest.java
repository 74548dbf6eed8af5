package io.fraudpipeline.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AlertSerializerTest {

  @Test
  void writesTheAlertAsWireJsonKeyedByAccount() {
    Transaction tx =
        new Transaction(
            "t1", "acc-9", new BigDecimal("9000"), "USD", "m", null, null, Instant.EPOCH);
    FraudAlert alert = FraudAlert.amountAlertOrNull(tx, RuleSet.DEFAULT, Instant.EPOCH);

    ProducerRecord<byte[], byte[]> record =
        new AlertSerializer("alerts", "alerts-shadow").serialize(alert, null, 5L);

    assertThat(record.topic()).isEqualTo("alerts");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("acc-9");
    assertThat(record.timestamp()).isNull();
    FraudAlert written = FraudJson.readAlert(record.value());
    assertThat(written).usingRecursiveComparison().ignoringFields("parameters").isEqualTo(alert);
    assertThat(written.parameters()).containsOnlyKeys("threshold");
  }

  @Test
  void writesAShadowRulesAlertToTheShadowTopicOnly() {
    Transaction tx =
        new Transaction("t2", "acc-1", new BigDecimal("9"), "USD", "m", null, null, Instant.EPOCH);
    NamedRule rule =
        new NamedRule(
            "try-me",
            null,
            "shadow",
            "threshold",
            "amount",
            ">",
            BigDecimal.ONE,
            null,
            null,
            null,
            null);
    FraudAlert shadow = FraudAlert.namedRuleAlert(tx, rule, 1, null, tx.amount(), Instant.EPOCH);
    FraudAlert active =
        FraudAlert.namedRuleAlert(
            tx,
            new NamedRule(
                "try-me",
                null,
                "active",
                "threshold",
                "amount",
                ">",
                BigDecimal.ONE,
                null,
                null,
                null,
                null),
            1,
            null,
            tx.amount(),
            Instant.EPOCH);
    AlertSerializer serializer = new AlertSerializer("alerts", "alerts-shadow");

    assertThat(serializer.serialize(shadow, null, 5L).topic()).isEqualTo("alerts-shadow");
    assertThat(serializer.serialize(active, null, 5L).topic()).isEqualTo("alerts");
  }
}
