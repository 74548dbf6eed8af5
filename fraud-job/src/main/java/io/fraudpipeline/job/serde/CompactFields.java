package io.fraudpipeline.job.serde;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The wire forms the job's own serializers share: a string as {@code int length + ASCII bytes}, or
 * {@code -1} and Flink's {@link StringValue} form when not ASCII; an amount as {@code int scale,
 * byte kind (0: long unscaled, 1: int length + two's-complement bytes)}. Null is the caller's
 * business (a mask or a tag before the value).
 */
public final class CompactFields {

  private static final byte UNSCALED_LONG = 0;
  private static final byte UNSCALED_BYTES = 1;

  /** In place of a string's length: the string follows in Flink's {@link StringValue} form. */
  private static final int NOT_ASCII = -1;

  private CompactFields() {}

  // ASCII strings (almost every string of a transaction) as a length and their bytes, decoded by
  // the JDK with an array copy. Flink's StringValue, used for the rest so that any UTF-16 content
  // (lone surrogates included) round-trips exactly, looks up a thread-local buffer per string; that
  // lookup was the hottest frame of the rules task in a JFR profile.
  public static void writeString(String value, DataOutputView out) throws IOException {
    writeString(value, asciiForm(value), out);
  }

  /**
   * Writes {@code value} as {@link #writeString(String, DataOutputView)} does, given its {@link
   * #asciiForm}: a value kept for many writes (held in state that every checkpoint writes) is
   * encoded once.
   */
  public static void writeString(String value, byte[] ascii, DataOutputView out)
      throws IOException {
    if (ascii != null) {
      out.writeInt(ascii.length);
      out.write(ascii);
    } else {
      out.writeInt(NOT_ASCII);
      StringValue.writeString(value, out);
    }
  }

  public static String readString(DataInputView in) throws IOException {
    int length = in.readInt();
    if (length == NOT_ASCII) {
      return StringValue.readString(in);
    }
    byte[] ascii = new byte[length];
    in.readFully(ascii);
    return new String(ascii, StandardCharsets.ISO_8859_1);
  }

  /**
   * The string's bytes if it is ASCII, else null. The JDK encodes a Latin-1 string to UTF-8 with a
   * vectorized check and an array copy; a character-by-character check was the hottest frame of the
   * snapshot thread in a JFR profile. One byte per character means ASCII, or lone surrogates
   * encoded as '?', which only a string holding '?' needs checking for.
   */
  public static byte[] asciiForm(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length != value.length()) {
      return null;
    }
    for (byte b : utf8) {
      if (b == '?') {
        return value.chars().allMatch(c -> c < 0x80) ? utf8 : null;
      }
    }
    return utf8;
  }

  public static void writeAmount(BigDecimal amount, DataOutputView out) throws IOException {
    out.writeInt(amount.scale());
    BigInteger unscaled = amount.unscaledValue();
    if (unscaled.bitLength() < 64) {
      out.writeByte(UNSCALED_LONG);
      out.writeLong(unscaled.longValue());
    } else {
      byte[] bytes = unscaled.toByteArray();
      out.writeByte(UNSCALED_BYTES);
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  public static BigDecimal readAmount(DataInputView in) throws IOException {
    int scale = in.readInt();
    byte kind = in.readByte();
    if (kind == UNSCALED_LONG) {
      return BigDecimal.valueOf(in.readLong(), scale);
    }
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new BigDecimal(new BigInteger(bytes), scale);
  }
}
