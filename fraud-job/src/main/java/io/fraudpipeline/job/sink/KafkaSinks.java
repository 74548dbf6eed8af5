package io.fraudpipeline.job.sink;

import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.job.dlq.DeadLetterSerializer;
import io.fraudpipeline.model.FraudAlert;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The job's Kafka sinks, all with the job's delivery guarantee. Under exactly-once each has its own
 * transactional id prefix (two sinks sharing one would fence each other) and a transaction timeout
 * within the broker's {@code transaction.max.timeout.ms}: Flink's default (1 hour) exceeds the
 * broker's default (15 minutes), and the job would restart forever without writing anything.
 */
public final class KafkaSinks {

  private KafkaSinks() {}

  /** Amount and category alerts, and those of named threshold rules. */
  public static KafkaSink<FraudAlert> alerts(FraudJobParameters params) {
    return build(params, alertSerializer(params), "alerts", new Properties());
  }

  /** Velocity alerts, to the same topic. */
  public static KafkaSink<FraudAlert> velocityAlerts(FraudJobParameters params) {
    return build(params, alertSerializer(params), "velocity", new Properties());
  }

  /** Alerts of named aggregate rules, to the same topic (shadow ones to the shadow topic). */
  public static KafkaSink<FraudAlert> aggregateAlerts(FraudJobParameters params) {
    return build(params, alertSerializer(params), "aggregates", new Properties());
  }

  private static AlertSerializer alertSerializer(FraudJobParameters params) {
    return new AlertSerializer(params.alertsTopic(), params.shadowAlertsTopic());
  }

  /** Rejected records, which may be far larger than any valid transaction. */
  public static KafkaSink<DeadLetter> deadLetters(FraudJobParameters params) {
    Properties props = new Properties();
    props.setProperty(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(params.dlqMaxRequestBytes()));
    props.setProperty(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        Long.toString(Math.max(32L * 1024 * 1024, 2L * params.dlqMaxRequestBytes())));
    return build(params, new DeadLetterSerializer(params.dlqTopic()), "dlq", props);
  }

  /** The transactional id prefix of one sink: the job's prefix and the sink's role. */
  public static String transactionalIdPrefix(FraudJobParameters params, String role) {
    return params.transactionalIdPrefix() + "-" + role;
  }

  private static <T> KafkaSink<T> build(
      FraudJobParameters params,
      KafkaRecordSerializationSchema<T> serializer,
      String role,
      Properties extra) {
    Properties props = new Properties();
    props.putAll(extra);
    props.putAll(params.kafkaClientProperties());
    if (params.exactlyOnce()) {
      props.setProperty(
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
          Long.toString(params.transactionTimeout().toMillis()));
    }
    return KafkaSink.<T>builder()
        .setBootstrapServers(params.bootstrapServers())
        .setKafkaProducerConfig(props)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(params.deliveryGuarantee())
        .setTransactionalIdPrefix(transactionalIdPrefix(params, role))
        .build();
  }
}
