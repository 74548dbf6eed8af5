package io.fraudpipeline.job.dlq;

import io.fraudpipeline.model.DlqHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a rejected record to the dead-letter topic: its original key and value bytes, unchanged,
 * and the {@link DlqHeaders} saying why and where from. The Kafka timestamp is the original one.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  private static final long serialVersionUID = 1L;

  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DlqHeaders.REASON, utf8(letter.reason()));
    headers.add(DlqHeaders.SOURCE_TOPIC, utf8(letter.topic()));
    headers.add(DlqHeaders.SOURCE_PARTITION, utf8(Integer.toString(letter.partition())));
    headers.add(DlqHeaders.SOURCE_OFFSET, utf8(Long.toString(letter.offset())));
    headers.add(DlqHeaders.SOURCE_TIMESTAMP, utf8(Long.toString(letter.timestamp())));
    // A negative timestamp (none on the source record) would be refused by the producer.
    Long originalTimestamp = letter.timestamp() >= 0 ? letter.timestamp() : null;
    return new ProducerRecord<>(
        topic, null, originalTimestamp, letter.key(), letter.value(), headers);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
