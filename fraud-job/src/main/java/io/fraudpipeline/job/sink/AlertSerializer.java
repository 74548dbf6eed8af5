package io.fraudpipeline.job.sink;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an alert as the wire contract's JSON, keyed by account id. The Kafka timestamp is left to
 * the producer: an alert on an old transaction must not inherit its age and fall to retention.
 *
 * <p>An alert of a named rule in shadow state goes to the shadow topic instead, through the same
 * sink: one Kafka transaction covers both, so exactly-once needs nothing more.
 */
public final class AlertSerializer implements KafkaRecordSerializationSchema<FraudAlert> {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String shadowTopic;

  public AlertSerializer(String topic, String shadowTopic) {
    this.topic = topic;
    this.shadowTopic = shadowTopic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      FraudAlert alert, KafkaSinkContext context, Long timestamp) {
    byte[] key =
        alert.accountId() == null ? null : alert.accountId().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(alert.shadow() ? shadowTopic : topic, key, FraudJson.write(alert));
  }
}
