package io.fraudpipeline.control.kafka;

import io.fraudpipeline.model.Topics;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The pipeline's topic names and how new topics are created. The names default to the wire
 * contract's {@link Topics}; Kafka's bootstrap servers are Boot's own {@code
 * spring.kafka.bootstrap-servers}.
 *
 * @param transactions incoming transactions
 * @param fraudAlerts the job's alerts
 * @param transactionsDlq records the job could not parse or validate
 * @param fraudRules the compacted, versioned rule set
 * @param savepoints the control plane's compacted savepoint history
 * @param partitions partitions of a topic the control plane creates
 * @param replicationFactor replication factor of a topic the control plane creates
 * @param rulesHistory every rule change (who, what, when), append-only and kept forever
 * @param operations the control plane's compacted long-running operations, by operation id
 * @param pipeline the pipeline's desired state: every accepted change, compacted, kept forever
 * @param pipelineStatus what the reconciler last did and the newest state to restore from
 * @param events the control plane's event log (one partition, expired after {@code
 *     fraud.events.retention})
 * @param leadership the one-partition topic whose consumer group elects the leading replica
 * @param fraudAlertsShadow the alerts of named rules in shadow state (never in {@code fraudAlerts})
 */
@Validated
@ConfigurationProperties("fraud.topics")
public record TopicsProperties(
    String transactions,
    String fraudAlerts,
    String transactionsDlq,
    String fraudRules,
    String savepoints,
    @Min(1) int partitions,
    @Min(1) short replicationFactor,
    String rulesHistory,
    String operations,
    String pipeline,
    String pipelineStatus,
    String events,
    String leadership,
    String fraudAlertsShadow) {

  public TopicsProperties {
    transactions = orDefault(transactions, Topics.TRANSACTIONS);
    fraudAlerts = orDefault(fraudAlerts, Topics.FRAUD_ALERTS);
    transactionsDlq = orDefault(transactionsDlq, Topics.TRANSACTIONS_DLQ);
    fraudRules = orDefault(fraudRules, Topics.FRAUD_RULES);
    savepoints = orDefault(savepoints, "fraud-savepoints");
    rulesHistory = orDefault(rulesHistory, "fraud-rules-history");
    operations = orDefault(operations, "fraud-control-operations");
    pipeline = orDefault(pipeline, "fraud-pipeline-desired");
    pipelineStatus = orDefault(pipelineStatus, "fraud-pipeline-status");
    events = orDefault(events, "fraud-control-events");
    leadership = orDefault(leadership, "fraud-control-leader");
    fraudAlertsShadow = orDefault(fraudAlertsShadow, Topics.FRAUD_ALERTS_SHADOW);
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
