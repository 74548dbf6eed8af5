package io.fraudpipeline.control.leadership;

import io.fraudpipeline.control.kafka.TopicCreation;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the election's topic if it is missing. Nothing is ever written to it: only its partition
 * 0 matters, as the thing the group coordinator assigns to exactly one member. One partition, so
 * the assignment cannot be split; a short retention, since any record in it is noise.
 */
final class LeadershipTopic {

  private static final Logger log = LoggerFactory.getLogger(LeadershipTopic.class);

  private final Admin admin;
  private final String name;
  private final short replicationFactor;
  private final Duration timeout;

  LeadershipTopic(Admin admin, String name, short replicationFactor, Duration timeout) {
    this.admin = admin;
    this.name = name;
    this.replicationFactor = replicationFactor;
    this.timeout = timeout;
  }

  String name() {
    return name;
  }

  /**
   * @throws io.fraudpipeline.control.kafka.KafkaUnavailableException Kafka refused, could not be
   *     reached or did not answer in time
   */
  void ensureExists() {
    NewTopic topic =
        new NewTopic(name, 1, replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    "3600000"));
    if (TopicCreation.ensure(admin, topic, timeout)) {
      log.info("Created the leadership topic {}", name);
    }
  }
}
