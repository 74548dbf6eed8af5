package io.fraudpipeline.job.rules;

import io.fraudpipeline.job.source.KafkaClientClasses;
import io.fraudpipeline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Passes on the value of every record under the rules key, unparsed: the rule operators parse it,
 * so an invalid rule set is counted where it is ignored. Tombstones and other keys are skipped.
 */
public final class RulesRecordDeserializer implements KafkaRecordDeserializationSchema<byte[]> {

  private static final long serialVersionUID = 1L;

  private static final byte[] RULES_KEY = Topics.RULES_KEY.getBytes(StandardCharsets.UTF_8);

  static {
    // With the source, on the JobManager and the TaskManagers, while the job's loader is open.
    KafkaClientClasses.load();
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<byte[]> out) {
    if (isRuleSet(record)) {
      out.collect(record.value());
    }
  }

  static boolean isRuleSet(ConsumerRecord<byte[], byte[]> record) {
    return record.value() != null && Arrays.equals(RULES_KEY, record.key());
  }

  @Override
  public TypeInformation<byte[]> getProducedType() {
    return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
  }
}
