package io.fraudpipeline.job.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.DlqHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void writesTheOriginalBytesWithReasonAndSourceHeaders() {
    byte[] value = {(byte) 0xC3, (byte) 0x28, 0x7B};
    byte[] key = "acc-1".getBytes(StandardCharsets.UTF_8);
    ProducerRecord<byte[], byte[]> record =
        new DeadLetterSerializer("dlq")
            .serialize(
                new DeadLetter(
                    key, value, "not valid UTF-8", "transactions", 2, 1234, 1_700_000_000_000L),
                null,
                null);

    assertThat(record.topic()).isEqualTo("dlq");
    assertThat(record.value()).isSameAs(value);
    assertThat(record.key()).isSameAs(key);
    assertThat(record.timestamp()).isEqualTo(1_700_000_000_000L);
    assertThat(header(record, DlqHeaders.REASON)).isEqualTo("not valid UTF-8");
    assertThat(header(record, DlqHeaders.SOURCE_TOPIC)).isEqualTo("transactions");
    assertThat(header(record, DlqHeaders.SOURCE_PARTITION)).isEqualTo("2");
    assertThat(header(record, DlqHeaders.SOURCE_OFFSET)).isEqualTo("1234");
    assertThat(header(record, DlqHeaders.SOURCE_TIMESTAMP)).isEqualTo("1700000000000");
  }

  @Test
  void leavesTheTimestampToTheProducerWhenTheSourceHadNone() {
    ProducerRecord<byte[], byte[]> record =
        new DeadLetterSerializer("dlq")
            .serialize(new DeadLetter(null, null, "empty record", "t", 0, 0, -1), null, null);
    assertThat(record.timestamp()).isNull();
    assertThat(record.value()).isNull();
  }
}
