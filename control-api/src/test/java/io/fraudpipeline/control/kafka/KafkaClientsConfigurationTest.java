package io.fraudpipeline.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fraudpipeline.control.support.Ports;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaAdmin;

class KafkaClientsConfigurationTest {

  /** Without a bound, the close waited for the call's own 2 minutes. */
  @Test
  void theSharedAdminClientClosesWithinItsCloseTimeoutWhileACallToAGoneBrokerWaits() {
    KafkaAdmin settings =
        new KafkaAdmin(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + Ports.free()));
    Admin admin = new KafkaClientsConfiguration().kafkaAdminClient(settings);
    KafkaFuture<Collection<Node>> nodes =
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(120_000)).nodes();

    assertTimeoutPreemptively(
        KafkaClientsConfiguration.CLOSE_TIMEOUT.plusSeconds(10), () -> admin.close());
    // The call is failed, not left waiting (its own thread ends it just after the close returns).
    await().atMost(Duration.ofSeconds(10)).until(nodes::isDone);
    assertThat(nodes.isCompletedExceptionally()).isTrue();
  }
}
