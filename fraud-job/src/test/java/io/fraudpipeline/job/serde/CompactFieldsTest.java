package io.fraudpipeline.job.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
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

  @ParameterizedTest
  @ValueSource(strings = {"", "tx-42", "why?", "Café", "\u4e2d", "\uD800", "?\uD800", "a\uDC00?"})
  void aReaderReadsEveryStringWhateverItReadBefore(String value) throws IOException {
    CompactFields.StringReader reader = new CompactFields.StringReader();
    String longer = "x".repeat(200); // beyond the reader's first buffer
    DataOutputSerializer out = new DataOutputSerializer(16);
    for (String s : new String[] {value, longer, value, "", value}) {
      CompactFields.writeString(s, out);
    }
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());

    assertThat(reader.read(in)).isEqualTo(value);
    assertThat(reader.read(in)).isEqualTo(longer);
    assertThat(reader.read(in)).isEqualTo(value);
    assertThat(reader.read(in)).isEmpty();
    assertThat(reader.read(in)).isEqualTo(value);
    assertThat(in.available()).isZero();
  }

  @Test
  void aWrittenStringEqualsExactlyTheStringsThatCompareEqualToIt() throws IOException {
    String[] values = {
      "", "m", "merchant-0041", "merchant-0042", "merchant-004", "nerchant-0041", "Café", "\uD800"
    };
    for (String written : values) {
      byte[] bytes = written(written);
      for (String other : values) {
        assertThat(CompactFields.equalsWritten(bytes, 0, other))
            .as("%s vs %s", written, other)
            .isEqualTo(written.equals(other));
      }
    }
  }

  @Test
  void writesAnAsciiStringAsItsLengthAndBytes() throws IOException {
    assertThat(written("a?")).containsExactly(0, 0, 0, 2, 'a', '?');
    // A lone surrogate encodes to '?' in UTF-8: it must not pass for ASCII.
    assertThat(new DataInputDeserializer(written("a\uD800")).readInt()).isEqualTo(-1);
  }

  @Test
  void writesEveryAmountAsItsUnscaledValueInALongWhenItFitsOneElseInBytes() throws IOException {
    for (BigDecimal amount : BoundaryAmounts.all()) {
      DataOutputSerializer out = new DataOutputSerializer(32);
      CompactFields.writeAmount(amount, out);

      // The form as defined: the scale, then the unscaled value in a long if it has fewer than 64
      // bits, else its two's-complement bytes.
      DataOutputSerializer expected = new DataOutputSerializer(32);
      expected.writeInt(amount.scale());
      BigInteger unscaled = amount.unscaledValue();
      if (unscaled.bitLength() < 64) {
        expected.writeByte(0);
        expected.writeLong(unscaled.longValue());
      } else {
        expected.writeByte(1);
        expected.writeInt(unscaled.toByteArray().length);
        expected.write(unscaled.toByteArray());
      }
      assertThat(out.getCopyOfBuffer()).as("%s", amount).isEqualTo(expected.getCopyOfBuffer());
      BigDecimal read = CompactFields.readAmount(new DataInputDeserializer(out.getCopyOfBuffer()));
      assertThat(read).as("%s", amount).isEqualTo(amount);
    }
  }

  @Test
  void theUnscaledLongOfAnAmountOfAtMost18DigitsIsItsUnscaledValue() {
    int checked = 0;
    for (BigDecimal amount : BoundaryAmounts.all()) {
      if (amount.precision() <= CompactFields.LONG_DIGITS) {
        assertThat(CompactFields.unscaledLong(amount))
            .as("%s", amount)
            .isEqualTo(amount.unscaledValue().longValueExact());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(50);
  }
}
