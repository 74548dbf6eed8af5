package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.topics.LagProperties;
import java.util.List;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The fraud job's program arguments (docs/job.md), from this service's own settings: the same
 * Kafka, the same topic names, the job name the observer looks for, and the consumer group whose
 * lag the service reports ({@code fraud.lag.group-id}).
 */
@Component
public class FraudJobArguments {

  private final KafkaProperties kafka;
  private final TopicsProperties topics;
  private final JobProperties job;
  private final LagProperties lag;

  FraudJobArguments(
      KafkaProperties kafka, TopicsProperties topics, JobProperties job, LagProperties lag) {
    this.kafka = kafka;
    this.topics = topics;
    this.job = job;
    this.lag = lag;
  }

  /**
   * The arguments of a bounded job beside the fraud job (a backtest): the same Kafka and
   * transactions topic, its own job name (so it is never taken for the fraud job) and group id, and
   * no rules bootstrap. It gets no output topic of the fraud job's.
   */
  public List<String> boundedReader(String jobName, String groupId) {
    return List.of(
        "--bootstrap-servers",
        String.join(",", kafka.getBootstrapServers()),
        "--transactions-topic",
        topics.transactions(),
        "--group-id",
        groupId,
        "--transactional-id-prefix",
        groupId,
        "--job-name",
        jobName,
        "--rules-bootstrap-timeout",
        "0");
  }

  List<String> build(DeliveryGuarantee guarantee) {
    return List.of(
        "--bootstrap-servers",
        String.join(",", kafka.getBootstrapServers()),
        "--transactions-topic",
        topics.transactions(),
        "--alerts-topic",
        topics.fraudAlerts(),
        "--shadow-alerts-topic",
        topics.fraudAlertsShadow(),
        "--dlq-topic",
        topics.transactionsDlq(),
        "--rules-topic",
        topics.fraudRules(),
        "--group-id",
        lag.groupId(),
        "--job-name",
        job.name(),
        "--checkpoint-interval",
        Long.toString(job.checkpointInterval().toMillis()),
        "--delivery-guarantee",
        guarantee.argument());
  }
}
