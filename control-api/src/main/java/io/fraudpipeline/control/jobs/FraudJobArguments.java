package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.kafka.TopicsProperties;
import java.util.List;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The fraud job's program arguments (docs/job.md), from this service's own settings: the same
 * Kafka, the same topic names, the job name the observer looks for.
 */
@Component
class FraudJobArguments {

  private final KafkaProperties kafka;
  private final TopicsProperties topics;
  private final JobProperties job;

  FraudJobArguments(KafkaProperties kafka, TopicsProperties topics, JobProperties job) {
    this.kafka = kafka;
    this.topics = topics;
    this.job = job;
  }

  List<String> build(DeliveryGuarantee guarantee) {
    return List.of(
        "--bootstrap-servers",
        String.join(",", kafka.getBootstrapServers()),
        "--transactions-topic",
        topics.transactions(),
        "--alerts-topic",
        topics.fraudAlerts(),
        "--dlq-topic",
        topics.transactionsDlq(),
        "--rules-topic",
        topics.fraudRules(),
        "--job-name",
        job.name(),
        "--checkpoint-interval",
        Long.toString(job.checkpointInterval().toMillis()),
        "--delivery-guarantee",
        guarantee.argument());
  }
}
