package io.fraudpipeline.job.serde;

import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A compact, reflection-free serializer for {@link Transaction}, the record every valid transaction
 * crosses the network hop to the rules operator in. Flink's {@code PojoSerializer} for a record
 * writes per-field null flags and nested serializers and builds the record reflectively; this
 * writes one null mask, the strings, the amount as scale + unscaled long and the timestamp as
 * seconds + nanos.
 *
 * <p>Wire form: {@code byte nullMask}, then each present field in component order; strings and the
 * amount in {@link CompactFields}' forms; timestamp as {@code long epochSecond, int nano}.
 */
public final class TransactionSerializer extends ImmutableSerializer<Transaction> {

  private static final long serialVersionUID = 1L;

  public static final TransactionSerializer INSTANCE = new TransactionSerializer();

  /**
   * Type information of {@link Transaction} on the job's network edges. Keyed state keeps Flink's
   * own type information for {@link Transaction}, so savepoints taken before this serializer
   * existed still restore.
   */
  public static final TypeInformation<Transaction> TYPE =
      SerializerTypeInfo.of(Transaction.class, INSTANCE);

  private static final int TRANSACTION_ID = 1;
  private static final int ACCOUNT_ID = 1 << 1;
  private static final int AMOUNT = 1 << 2;
  private static final int CURRENCY = 1 << 3;
  private static final int MERCHANT = 1 << 4;
  private static final int MERCHANT_CATEGORY = 1 << 5;
  private static final int COUNTRY = 1 << 6;
  private static final int TIMESTAMP = 1 << 7;

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
      CompactFields.writeAmount(tx.amount(), out);
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
    return deserialize(in, null);
  }

  /**
   * @param strings reads the strings, or null to read each into an array of its own first
   */
  public Transaction deserialize(DataInputView in, CompactFields.StringReader strings)
      throws IOException {
    int mask = in.readUnsignedByte();
    String transactionId = readString(mask, TRANSACTION_ID, in, strings);
    String accountId = readString(mask, ACCOUNT_ID, in, strings);
    BigDecimal amount = (mask & AMOUNT) != 0 ? CompactFields.readAmount(in) : null;
    String currency = readString(mask, CURRENCY, in, strings);
    String merchant = readString(mask, MERCHANT, in, strings);
    String merchantCategory = readString(mask, MERCHANT_CATEGORY, in, strings);
    String country = readString(mask, COUNTRY, in, strings);
    Instant timestamp =
        (mask & TIMESTAMP) != 0 ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    return new Transaction(
        transactionId, accountId, amount, currency, merchant, merchantCategory, country, timestamp);
  }

  /**
   * Copies one transaction's wire form from {@code in} to {@code out} as it is, without decoding
   * its strings.
   *
   * @return its event time in milliseconds ({@code Instant.toEpochMilli}), or {@code noTime} when
   *     it has no timestamp
   */
  public static long copyForm(DataInputView in, DataOutputView out, long noTime)
      throws IOException {
    int mask = in.readUnsignedByte();
    out.writeByte(mask);
    copyString(mask, TRANSACTION_ID, in, out);
    copyString(mask, ACCOUNT_ID, in, out);
    if ((mask & AMOUNT) != 0) {
      CompactFields.copyAmount(in, out);
    }
    copyString(mask, CURRENCY, in, out);
    copyString(mask, MERCHANT, in, out);
    copyString(mask, MERCHANT_CATEGORY, in, out);
    copyString(mask, COUNTRY, in, out);
    if ((mask & TIMESTAMP) == 0) {
      return noTime;
    }
    long seconds = in.readLong();
    int nanos = in.readInt();
    out.writeLong(seconds);
    out.writeInt(nanos);
    return Instant.ofEpochSecond(seconds, nanos).toEpochMilli();
  }

  /** What {@link #compareIds} answers when the wire forms alone cannot tell. */
  public static final int UNDECIDED = Integer.MIN_VALUE;

  /**
   * Compares the transaction ids of two wire forms with the sign of {@link String#compareTo}, from
   * their bytes; {@link #UNDECIDED} when either has no id or one that is not ASCII.
   */
  public static int compareIds(byte[] form, byte[] other) {
    int length = asciiIdLength(form);
    int otherLength = asciiIdLength(other);
    if (length < 0 || otherLength < 0) {
      return UNDECIDED;
    }
    // Bytes of ASCII characters compare as the characters do (signed or not: all below 0x80).
    int start = 1 + Integer.BYTES;
    return Arrays.compare(form, start, start + length, other, start, start + otherLength);
  }

  /** The length of the form's id if it is there in ASCII, else negative. */
  private static int asciiIdLength(byte[] form) {
    // The id, when present, is the first field: its length (-1: not ASCII) follows the mask.
    return (form[0] & TRANSACTION_ID) == 0 ? -1 : CompactFields.lengthAt(form, 1);
  }

  private static void copyString(int mask, int field, DataInputView in, DataOutputView out)
      throws IOException {
    if ((mask & field) != 0) {
      CompactFields.copyString(in, out);
    }
  }

  @Override
  public TypeSerializerSnapshot<Transaction> snapshotConfiguration() {
    return new Snapshot();
  }

  private static void writeString(String value, DataOutputView out) throws IOException {
    if (value != null) {
      CompactFields.writeString(value, out);
    }
  }

  private static String readString(
      int mask, int field, DataInputView in, CompactFields.StringReader strings)
      throws IOException {
    if ((mask & field) == 0) {
      return null;
    }
    return strings == null ? CompactFields.readString(in) : strings.read(in);
  }

  /** Snapshot of this stateless serializer: it has no configuration, only a format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Transaction> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
