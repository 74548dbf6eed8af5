package io.fraudpipeline.control.leadership;

import io.fraudpipeline.control.kafka.TopicsProperties;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The replica's election, started with the context and leaving the group when it closes. */
@Configuration(proxyBeanMethods = false)
class LeadershipConfiguration {

  // Closed here too, should the context fail before it started the lifecycle below.
  @Bean(destroyMethod = "close")
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

  @Bean
  LeaderElectionLifecycle leaderElectionLifecycle(KafkaLeaderElection leaderElection) {
    return new LeaderElectionLifecycle(leaderElection);
  }
}
