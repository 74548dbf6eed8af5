package io.fraudpipeline.job.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactFieldsTest {

  private static byte[] written(String value) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(16);
    CompactFields.writeString(value, out);
    return out.getCopyOfBuffer();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "tx-42", "why?", "Café", "\u4e2d", "\uD800", "?\uD800", "a\uDC00?"})
  void roundTripsEveryString(String value) throws IOException {
    String read = CompactFields.readString(new DataInputDeserializer(written(value)));
    assertThat(read).isEqualTo(value);
  }

  @Test
  void writesAnAsciiStringAsItsLengthAndBytes() throws IOException {
    assertThat(written("a?")).containsExactly(0, 0, 0, 2, 'a', '?');
    // A lone surrogate encodes to '?' in UTF-8: it must not pass for ASCII.
    assertThat(new DataInputDeserializer(written("a\uD800")).readInt()).isEqualTo(-1);
  }
}
