package io.fraudpipeline.control.operations;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Long-running operations across replicas.
 *
 * @param progressInterval the least time between two writes of a running operation's progress to
 *     the operations topic, from which the other replicas serve it
 * @param abandonedCheckInterval time between two looks for operations in progress whose replica
 *     stopped (failed by the leader once that replica has left the group)
 * @param abandonedGrace an operation whose replica is missing from the group is failed only once it
 *     is older than this: a replica that has just started may take requests before it has joined
 *     the group (and the others learn members only every heartbeat interval); the leader waits as
 *     long before it cleans up that replica's backtest job and output topic
 * @param endRetryInitialBackoff the wait before an operation's end (completed, failed, cancelled)
 *     that Kafka missed is written again: until it is, the operation holds its job for the other
 *     replicas
 * @param endRetryMaxBackoff the longest wait between two such writes (doubled after each failed one
 *     up to this): how long, at most, the job stays held once Kafka is back
 * @param endFlushTimeout the longest a control plane shutting down spends ending its savepoints in
 *     progress (each saying so) and writing, once more, the ends Kafka missed; those still
 *     unwritten are failed as abandoned by the leader
 */
@Validated
@ConfigurationProperties("fraud.operations")
public record OperationsProperties(
    @NotNull Duration progressInterval,
    @NotNull Duration abandonedCheckInterval,
    @NotNull Duration abandonedGrace,
    @NotNull Duration endRetryInitialBackoff,
    @NotNull Duration endRetryMaxBackoff,
    @NotNull Duration endFlushTimeout) {}
