package io.fraudpipeline.job.sink;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an alert as the wire contract's JSON, keyed by account id. The Kafka timestamp is left to
 * the producer: an alert on an old transaction must not inherit its age and fall to retention.
 */
public final class AlertSerializer implements KafkaRecordSerializationSchema<FraudAlert> {

  private static final long serialVersionUID = 1L;

  private final String topic;

  public AlertSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      FraudAlert alert, KafkaSinkContext context, Long timestamp) {
    byte[] key =
        alert.accountId() == null ? null : alert.accountId().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, key, FraudJson.write(alert));
  }
}
