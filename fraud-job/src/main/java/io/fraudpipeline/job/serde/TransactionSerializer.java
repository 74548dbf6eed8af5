package io.fraudpipeline.job.serde;

import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * A compact, reflection-free serializer for {@link Transaction}, the record every valid transaction
 * crosses the network hop to the rules operator in. Flink's {@code PojoSerializer} for a record
 * writes per-field null flags and nested serializers and builds the record reflectively; this
 * writes one null mask, the strings, the amount as scale + unscaled long and the timestamp as
 * seconds + nanos.
 *
 * <p>Wire form: {@code byte nullMask}, then each present field in component order; strings as
 * {@code int length + ASCII bytes}, or {@code -1} and Flink's {@link StringValue} form when not
 * ASCII; amount as {@code int scale, byte kind (0: long unscaled, 1: int length + two's-complement
 * bytes)}; timestamp as {@code long epochSecond, int nano}.
 */
public final class TransactionSerializer extends TypeSerializerSingleton<Transaction> {

  private static final long serialVersionUID = 1L;

  public static final TransactionSerializer INSTANCE = new TransactionSerializer();

  private static final int TRANSACTION_ID = 1;
  private static final int ACCOUNT_ID = 1 << 1;
  private static final int AMOUNT = 1 << 2;
  private static final int CURRENCY = 1 << 3;
  private static final int MERCHANT = 1 << 4;
  private static final int MERCHANT_CATEGORY = 1 << 5;
  private static final int COUNTRY = 1 << 6;
  private static final int TIMESTAMP = 1 << 7;

  private static final byte UNSCALED_LONG = 0;
  private static final byte UNSCALED_BYTES = 1;

  /** In place of a string's length: the string follows in Flink's {@link StringValue} form. */
  private static final int NOT_ASCII = -1;

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public Transaction createInstance() {
    return null;
  }

  @Override
  public Transaction copy(Transaction from) {
    return from;
  }

  @Override
  public Transaction copy(Transaction from, Transaction reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Transaction tx, DataOutputView out) throws IOException {
    int mask =
        (tx.transactionId() != null ? TRANSACTION_ID : 0)
            | (tx.accountId() != null ? ACCOUNT_ID : 0)
            | (tx.amount() != null ? AMOUNT : 0)
            | (tx.currency() != null ? CURRENCY : 0)
            | (tx.merchant() != null ? MERCHANT : 0)
            | (tx.merchantCategory() != null ? MERCHANT_CATEGORY : 0)
            | (tx.country() != null ? COUNTRY : 0)
            | (tx.timestamp() != null ? TIMESTAMP : 0);
    out.writeByte(mask);
    writeString(tx.transactionId(), out);
    writeString(tx.accountId(), out);
    if (tx.amount() != null) {
      writeAmount(tx.amount(), out);
    }
    writeString(tx.currency(), out);
    writeString(tx.merchant(), out);
    writeString(tx.merchantCategory(), out);
    writeString(tx.country(), out);
    if (tx.timestamp() != null) {
      out.writeLong(tx.timestamp().getEpochSecond());
      out.writeInt(tx.timestamp().getNano());
    }
  }

  @Override
  public Transaction deserialize(DataInputView in) throws IOException {
    int mask = in.readUnsignedByte();
    String transactionId = readString(mask, TRANSACTION_ID, in);
    String accountId = readString(mask, ACCOUNT_ID, in);
    BigDecimal amount = (mask & AMOUNT) != 0 ? readAmount(in) : null;
    String currency = readString(mask, CURRENCY, in);
    String merchant = readString(mask, MERCHANT, in);
    String merchantCategory = readString(mask, MERCHANT_CATEGORY, in);
    String country = readString(mask, COUNTRY, in);
    Instant timestamp =
        (mask & TIMESTAMP) != 0 ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    return new Transaction(
        transactionId, accountId, amount, currency, merchant, merchantCategory, country, timestamp);
  }

  @Override
  public Transaction deserialize(Transaction reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<Transaction> snapshotConfiguration() {
    return new Snapshot();
  }

  // ASCII strings (almost every string of a transaction) as a length and their bytes, decoded by
  // the JDK with an array copy. Flink's StringValue, used for the rest so that any UTF-16 content
  // (lone surrogates included) round-trips exactly, looks up a thread-local buffer per string; that
  // lookup was the hottest frame of the rules task in a JFR profile.
  private static void writeString(String value, DataOutputView out) throws IOException {
    if (value == null) {
      return;
    }
    if (isAscii(value)) {
      out.writeInt(value.length());
      out.write(value.getBytes(StandardCharsets.ISO_8859_1));
    } else {
      out.writeInt(NOT_ASCII);
      StringValue.writeString(value, out);
    }
  }

  private static String readString(int mask, int field, DataInputView in) throws IOException {
    if ((mask & field) == 0) {
      return null;
    }
    int length = in.readInt();
    if (length == NOT_ASCII) {
      return StringValue.readString(in);
    }
    byte[] ascii = new byte[length];
    in.readFully(ascii);
    return new String(ascii, StandardCharsets.ISO_8859_1);
  }

  private static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static void writeAmount(BigDecimal amount, DataOutputView out) throws IOException {
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

  private static BigDecimal readAmount(DataInputView in) throws IOException {
    int scale = in.readInt();
    byte kind = in.readByte();
    if (kind == UNSCALED_LONG) {
      return BigDecimal.valueOf(in.readLong(), scale);
    }
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new BigDecimal(new BigInteger(bytes), scale);
  }

  /** Snapshot of this stateless serializer: it has no configuration, only a format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Transaction> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
