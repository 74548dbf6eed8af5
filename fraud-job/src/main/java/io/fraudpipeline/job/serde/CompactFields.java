package io.fraudpipeline.job.serde;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
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
    if (isAscii(value)) {
      out.writeInt(value.length());
      if (out instanceof DataOutputSerializer buffer) {
        // Straight into the buffer: an encoded copy first was a byte[] per string on the hop. Not
        // by its writeBytes(String), which advances its position twice (Flink 2.2).
        for (int i = 0; i < value.length(); i++) {
          buffer.write(value.charAt(i));
        }
      } else {
        out.write(value.getBytes(StandardCharsets.ISO_8859_1));
      }
    } else {
      out.writeInt(NOT_ASCII);
      StringValue.writeString(value, out);
    }
  }

  private static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * Compares the string {@link #writeString} wrote at {@code bytes[offset]} with {@code other}, as
   * {@link String#compareTo} would, without decoding an ASCII one.
   */
  public static int compareWritten(byte[] bytes, int offset, String other) throws IOException {
    int length = lengthAt(bytes, offset);
    if (length == NOT_ASCII) {
      return readString(new DataInputDeserializer(bytes, offset, bytes.length - offset))
          .compareTo(other);
    }
    int common = Math.min(length, other.length());
    for (int i = 0; i < common; i++) {
      int difference = (bytes[offset + Integer.BYTES + i] & 0xFF) - other.charAt(i);
      if (difference != 0) {
        return difference;
      }
    }
    return length - other.length();
  }

  /**
   * Whether the string {@link #writeString} wrote at {@code bytes[offset]} equals {@code other}.
   * Compared from the end: identifiers of one kind ("merchant-0041", "merchant-0042") share their
   * beginning, so a mismatch mostly shows at the first character compared (comparing from the start
   * was a sixth of {@code aggregate-rules}' thread in a JFR profile).
   */
  public static boolean equalsWritten(byte[] bytes, int offset, String other) throws IOException {
    int length = lengthAt(bytes, offset);
    if (length == NOT_ASCII) {
      return compareWritten(bytes, offset, other) == 0;
    }
    if (length != other.length()) {
      return false;
    }
    int start = offset + Integer.BYTES;
    for (int i = length - 1; i >= 0; i--) {
      if ((bytes[start + i] & 0xFF) != other.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The length {@link #writeString} wrote at {@code bytes[offset]}: -1 for a string not ASCII. */
  static int lengthAt(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) << 24
        | (bytes[offset + 1] & 0xFF) << 16
        | (bytes[offset + 2] & 0xFF) << 8
        | (bytes[offset + 3] & 0xFF);
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

  /** Copies a string {@link #writeString} wrote from {@code in} to {@code out}, as it is. */
  public static void copyString(DataInputView in, DataOutputView out) throws IOException {
    int length = in.readInt();
    if (length == NOT_ASCII) {
      out.writeInt(NOT_ASCII);
      StringValue.copyString(in, out);
    } else {
      out.writeInt(length);
      out.write(in, length);
    }
  }

  /** Copies an amount {@link #writeAmount} wrote from {@code in} to {@code out}, as it is. */
  public static void copyAmount(DataInputView in, DataOutputView out) throws IOException {
    out.writeInt(in.readInt());
    byte kind = in.readByte();
    out.writeByte(kind);
    if (kind == UNSCALED_LONG) {
      out.writeLong(in.readLong());
    } else {
      int length = in.readInt();
      out.writeInt(length);
      out.write(in, length);
    }
  }

  /**
   * Reads what {@link #writeString} wrote through a buffer it keeps, so that a string costs one
   * array (the string's own) rather than two. One per reading thread: a serializer duplicate's.
   */
  public static final class StringReader {
    private byte[] buffer = new byte[64];

    public String read(DataInputView in) throws IOException {
      int length = in.readInt();
      if (length == NOT_ASCII) {
        return StringValue.readString(in);
      }
      if (length > buffer.length) {
        buffer = new byte[Math.max(length, 2 * buffer.length)];
      }
      in.readFully(buffer, 0, length);
      return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The most digits an unscaled value may have to fit a long whatever they are: {@link
   * #unscaledLong} answers for such an amount.
   */
  public static final int LONG_DIGITS = 18;

  /**
   * The unscaled value of {@code amount}, whose {@link BigDecimal#precision()} must be at most
   * {@link #LONG_DIGITS}, without {@link BigDecimal#unscaledValue()}: that one inflates even a
   * compact amount into a new BigInteger (0.6 GB of them per benchmark pass in a JFR profile).
   */
  public static long unscaledLong(BigDecimal amount) {
    // The same digits at scale 0; longValue reads a compact one's long directly.
    return amount.scaleByPowerOfTen(amount.scale()).longValue();
  }

  public static void writeAmount(BigDecimal amount, DataOutputView out) throws IOException {
    out.writeInt(amount.scale());
    if (amount.precision() <= LONG_DIGITS) {
      out.writeByte(UNSCALED_LONG);
      out.writeLong(unscaledLong(amount));
      return;
    }
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
