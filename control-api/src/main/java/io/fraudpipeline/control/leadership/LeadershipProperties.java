package io.fraudpipeline.control.leadership;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The election of the one replica that reconciles. The topic is {@code fraud.topics.leadership}.
 *
 * @param groupId the Kafka consumer group every replica of one control plane joins
 * @param replicaId this replica's id; blank: host name, process id and a random suffix
 * @param sessionTimeout how long the group waits for a silent member (a crashed leader is replaced
 *     after about this plus a heartbeat interval); within the broker's {@code
 *     group.min.session.timeout.ms} (6 s) and {@code group.max.session.timeout.ms}
 * @param leaseMargin how much sooner than the group a silent leader stops calling itself leader
 */
@Validated
@ConfigurationProperties("fraud.leadership")
public record LeadershipProperties(
    @NotBlank String groupId,
    String replicaId,
    @NotNull Duration sessionTimeout,
    @NotNull Duration leaseMargin) {}
