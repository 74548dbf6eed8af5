package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.model.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class FraudJobParametersTest {

  @Test
  void defaultsMatchTheDocumentedOnes() {
    FraudJobParameters p = FraudJobParameters.defaults();
    assertThat(p.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(p.transactionsTopic()).isEqualTo(Topics.TRANSACTIONS);
    assertThat(p.alertsTopic()).isEqualTo(Topics.FRAUD_ALERTS);
    assertThat(p.shadowAlertsTopic()).isEqualTo(Topics.FRAUD_ALERTS_SHADOW);
    assertThat(p.dlqTopic()).isEqualTo(Topics.TRANSACTIONS_DLQ);
    assertThat(p.rulesTopic()).isEqualTo(Topics.FRAUD_RULES);
    assertThat(p.groupId()).isEqualTo("fraud-job");
    assertThat(p.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(p.transactionTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.transactionalIdPrefix()).isEqualTo("fraud-job");
    assertThat(p.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.sourceIdleness()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.maxFutureSkew()).isEqualTo(Duration.ofHours(1));
    assertThat(p.rulesBootstrapTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.dlqMaxRequestBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(p.bufferTimeout()).isEqualTo(Duration.ofMillis(5));
    assertThat(p.kafkaRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.jobName()).isEqualTo("fraud-detection");
    assertThat(p.kafkaProperties()).isEmpty();
  }

  @Test
  void refusesAShadowAlertsTopicThatIsTheAlertsTopic() {
    assertThatThrownBy(
            () ->
                FraudJobParameters.fromArgs(
                    new String[] {"--alerts-topic", "a", "--shadow-alerts-topic", "a"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--shadow-alerts-topic must differ from --alerts-topic");
  }

  @Test
  void transactionTimeoutDefaultStaysWithinTheBrokersLimit() {
    assertThat(FraudJobParameters.defaults().transactionTimeout())
        .isLessThan(FraudJobParameters.BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT);
  }

  @Test
  void readsEveryParameter() {
    FraudJobParameters p =
        FraudJobParameters.fromArgs(
            new String[] {
              "--bootstrap-servers", "kafka:29092",
              "--transactions-topic", "tx",
              "--alerts-topic", "al",
              "--dlq-topic", "dl",
              "--rules-topic", "ru",
              "--group-id", "g1",
              "--checkpoint-interval", "2000",
              "--delivery-guarantee", "at-least-once",
              "--transaction-timeout", "60000",
              "--transactional-id-prefix", "tp",
              "--max-out-of-orderness", "100",
              "--source-idleness", "250",
              "--max-future-skew", "0",
              "--rules-bootstrap-timeout", "0",
              "--dlq-max-request-bytes", "2097152",
              "--buffer-timeout", "0",
              "--kafka-request-timeout", "4000",
              "--job-name", "fraud-2",
              "--kafka.security.protocol", "SASL_SSL"
            });
    assertThat(p.bootstrapServers()).isEqualTo("kafka:29092");
    assertThat(p.transactionsTopic()).isEqualTo("tx");
    assertThat(p.alertsTopic()).isEqualTo("al");
    assertThat(p.dlqTopic()).isEqualTo("dl");
    assertThat(p.rulesTopic()).isEqualTo("ru");
    assertThat(p.groupId()).isEqualTo("g1");
    assertThat(p.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(p.exactlyOnce()).isFalse();
    assertThat(p.transactionTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.transactionalIdPrefix()).isEqualTo("tp");
    assertThat(p.maxOutOfOrderness()).isEqualTo(Duration.ofMillis(100));
    assertThat(p.sourceIdleness()).isEqualTo(Duration.ofMillis(250));
    assertThat(p.maxFutureSkew()).isZero();
    assertThat(p.rulesBootstrapTimeout()).isZero();
    assertThat(p.dlqMaxRequestBytes()).isEqualTo(2097152);
    assertThat(p.bufferTimeout()).isZero();
    assertThat(p.kafkaRequestTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(p.jobName()).isEqualTo("fraud-2");
    assertThat(p.kafkaProperties()).isEqualTo(Map.of("security.protocol", "SASL_SSL"));
  }

  @Test
  void transactionalIdPrefixFollowsTheGroupIdUnlessSet() {
    assertThat(
            FraudJobParameters.fromArgs(new String[] {"--group-id", "blue"})
                .transactionalIdPrefix())
        .isEqualTo("blue");
  }

  @Test
  void roundTripsThroughProgramArguments() {
    FraudJobParameters p =
        FraudJobParameters.fromArgs(
            new String[] {
              "--group-id", "g", "--delivery-guarantee", "at-least-once", "--kafka.acks", "all"
            });
    assertThat(FraudJobParameters.fromArgs(p.toArgs())).isEqualTo(p);
  }

  @Test
  void rejectsEveryBadValueInOneClearMessage() {
    assertThatThrownBy(
            () ->
                FraudJobParameters.fromArgs(
                    new String[] {
                      "--checkpoint-interval", "soon",
                      "--delivery-guarantee", "maybe-once",
                      "--source-idleness", "-5"
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--checkpoint-interval must be a whole number, got 'soon'")
        .hasMessageContaining(
            "--delivery-guarantee must be exactly-once or at-least-once, got 'maybe-once'")
        .hasMessageContaining("--source-idleness must not be negative, got -5");
  }

  @Test
  void rejectsUnknownParametersSoATypoIsNotSilentlyIgnored() {
    assertThatThrownBy(() -> FraudJobParameters.fromArgs(new String[] {"--bootstrap-server", "x"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameters [--bootstrap-server]");
  }

  @Test
  void rejectsATransactionTimeoutThatCannotOutliveACheckpoint() {
    assertThatThrownBy(
            () ->
                FraudJobParameters.fromArgs(
                    new String[] {
                      "--checkpoint-interval", "60000", "--transaction-timeout", "30000"
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "--transaction-timeout (30000 ms) must be longer than --checkpoint-interval");
  }

  @Test
  void everyKafkaClientGetsTheRequestTimeoutAndThePassThroughProperties() {
    FraudJobParameters p =
        FraudJobParameters.fromArgs(
            new String[] {"--kafka-request-timeout", "7000", "--kafka.acks", "all"});
    assertThat(p.kafkaClientProperties())
        .containsEntry("request.timeout.ms", "7000")
        .containsEntry("acks", "all")
        .hasSize(2);
  }

  @Test
  void refusesARequestTimeoutGivenTwice() {
    assertThatThrownBy(
            () -> FraudJobParameters.fromArgs(new String[] {"--kafka.request.timeout.ms", "5000"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "--kafka.request.timeout.ms is set by --kafka-request-timeout; use that");
  }

  @Test
  void refusesARequestTimeoutABusyBrokerCouldNotMeet() {
    assertThatThrownBy(
            () -> FraudJobParameters.fromArgs(new String[] {"--kafka-request-timeout", "200"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-request-timeout must be at least 1000");
  }

  @Test
  void rejectsBlankTopicNames() {
    assertThatThrownBy(() -> FraudJobParameters.fromArgs(new String[] {"--alerts-topic", " "}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--alerts-topic must not be blank");
  }
}
