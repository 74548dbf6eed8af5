package io.fraudpipeline.control.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * One shared Kafka {@link Admin} client, configured from Boot's {@code spring.kafka.*} (so the
 * bootstrap servers are read in one place). Capabilities use it for health, topics and offsets.
 */
@Configuration(proxyBeanMethods = false)
class KafkaClientsConfiguration {

  /** The longest the shared client's close at shutdown waits for the calls still in flight. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  @Bean(destroyMethod = "close")
  Admin kafkaAdminClient(KafkaAdmin kafkaAdmin) {
    Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "control-api-admin");
    // A broker that is down must not turn into a reconnect storm in the log.
    config.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return new BoundedCloseAdmin(config);
  }

  /**
   * {@link Admin#close()} waits without limit ({@code Long.MAX_VALUE} ms) for every call in flight
   * to end, and a call to a broker that is gone ends only at its own timeout: the close Spring
   * calls at shutdown gives them {@link #CLOSE_TIMEOUT}, then fails them.
   */
  static final class BoundedCloseAdmin extends ForwardingAdmin {

    BoundedCloseAdmin(Map<String, Object> config) {
      super(config);
    }

    @Override
    public void close() {
      close(CLOSE_TIMEOUT);
    }
  }
}
