package io.fraudpipeline.control.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health component {@code kafka}: the cluster answers a describe-cluster within five seconds. */
@Component("kafka")
class KafkaHealthIndicator implements HealthIndicator {

  private static final int TIMEOUT_MS = 5_000;

  private final Admin admin;

  KafkaHealthIndicator(Admin admin) {
    this.admin = admin;
  }

  @Override
  public Health health() {
    try {
      DescribeClusterResult cluster =
          admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
      String clusterId = cluster.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      int brokers = cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
      return Health.up().withDetail("cluster_id", clusterId).withDetail("brokers", brokers).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().withDetail("error", "interrupted").build();
    } catch (ExecutionException | TimeoutException e) {
      return Health.down().withDetail("error", KafkaCauses.describe(e)).build();
    }
  }
}
