package io.fraudpipeline.control.leadership;

import io.fraudpipeline.control.kafka.TopicsProperties;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The replica's election, started with the context and closed (leaving the group at once) when it
 * closes. Beans that act on Flink stop first: Spring destroys this bean after the lifecycle beans
 * that depend on {@link Leadership} have stopped.
 */
@Configuration(proxyBeanMethods = false)
class LeadershipConfiguration {

  @Bean(initMethod = "start", destroyMethod = "close")
  KafkaLeaderElection leaderElection(
      KafkaProperties kafka,
      Admin admin,
      TopicsProperties topics,
      LeadershipProperties properties,
      ApplicationEventPublisher events) {
    ElectionSettings settings =
        new ElectionSettings(
            topics.leadership(),
            properties.groupId(),
            ReplicaIds.orDefault(properties.replicaId()),
            properties.sessionTimeout(),
            properties.leaseMargin(),
            topics.replicationFactor());
    return new KafkaLeaderElection(
        kafka.buildConsumerProperties(), admin, settings, events::publishEvent);
  }
}
