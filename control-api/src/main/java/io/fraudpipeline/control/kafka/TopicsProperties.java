package io.fraudpipeline.control.kafka;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The pipeline's topic names, how new topics are created and how long a read of the control plane's
 * own topics may take. Every default is in application.yaml (the job's topics there are the wire
 * contract's {@code io.fraudpipeline.model.Topics}). A blank name stops the start-up: it is usually
 * an environment variable left empty, and quietly taking the default instead would point the
 * pipeline at a topic nobody chose. Kafka's bootstrap servers are Boot's own {@code
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
 * @param readTimeout longest one read of a topic the control plane keeps its state in (rules and
 *     their history, desired state and status of the pipeline, savepoints, operations) may take,
 *     waiting for a read in progress included; beyond it a request answers 503
 */
@Validated
@ConfigurationProperties("fraud.topics")
public record TopicsProperties(
    @NotBlank String transactions,
    @NotBlank String fraudAlerts,
    @NotBlank String transactionsDlq,
    @NotBlank String fraudRules,
    @NotBlank String savepoints,
    @Min(1) int partitions,
    @Min(1) short replicationFactor,
    @NotBlank String rulesHistory,
    @NotBlank String operations,
    @NotBlank String pipeline,
    @NotBlank String pipelineStatus,
    @NotBlank String events,
    @NotBlank String leadership,
    @NotBlank String fraudAlertsShadow,
    @NotNull Duration readTimeout) {}
