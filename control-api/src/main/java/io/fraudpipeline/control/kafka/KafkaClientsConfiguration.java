package io.fraudpipeline.control.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * One shared Kafka {@link Admin} client, configured from Boot's {@code spring.kafka.*} (so the
 * bootstrap servers are read in one place). Capabilities use it for health, topics and offsets.
 */
@Configuration(proxyBeanMethods = false)
class KafkaClientsConfiguration {

  @Bean(destroyMethod = "close")
  Admin kafkaAdminClient(KafkaAdmin kafkaAdmin) {
    Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "control-api-admin");
    // A broker that is down must not turn into a reconnect storm in the log.
    config.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return Admin.create(config);
  }
}
