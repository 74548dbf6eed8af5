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
 */
@Validated
@ConfigurationProperties("fraud.operations")
public record OperationsProperties(
    @NotNull Duration progressInterval, @NotNull Duration abandonedCheckInterval) {}
