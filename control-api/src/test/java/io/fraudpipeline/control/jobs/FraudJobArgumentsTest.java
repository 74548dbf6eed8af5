package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.topics.LagProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

class FraudJobArgumentsTest {

  @Test
  void deployedJobCommitsToTheGroupWhoseLagTheServiceReports() {
    KafkaProperties kafka = new KafkaProperties();
    kafka.setBootstrapServers(List.of("broker-1:9092", "broker-2:9092"));
    TopicsProperties topics =
        new TopicsProperties(
            "tx",
            "alerts",
            "dlq",
            "rules",
            "fraud-savepoints",
            2,
            (short) 1,
            "fraud-rules-history",
            "fraud-control-operations",
            "fraud-pipeline-desired",
            "fraud-pipeline-status",
            "fraud-control-events",
            "fraud-control-leader",
            "shadow-alerts",
            Duration.ofSeconds(3));
    JobProperties job =
        new JobProperties(
            "fraud-detection",
            1,
            128,
            DeliveryGuarantee.EXACTLY_ONCE,
            Duration.ofSeconds(2),
            "io.fraudpipeline.job.FraudDetectionJob",
            null,
            "target/jars");
    LagProperties lag =
        new LagProperties(
            "payments-fraud",
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            720,
            10_000,
            Duration.ofSeconds(30));

    List<String> args =
        new FraudJobArguments(kafka, topics, job, lag).build(DeliveryGuarantee.AT_LEAST_ONCE);

    assertThat(String.join(" ", args))
        .contains("--bootstrap-servers broker-1:9092,broker-2:9092")
        .contains("--transactions-topic tx")
        .contains("--shadow-alerts-topic shadow-alerts")
        .contains("--rules-topic rules")
        .contains("--group-id payments-fraud")
        .contains("--checkpoint-interval 2000")
        .contains("--delivery-guarantee at-least-once");
  }
}
