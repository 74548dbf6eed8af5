package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactFields;
import io.fraudpipeline.job.serde.CompactStringSerializer;
import io.fraudpipeline.job.serde.SerializerTypeInfo;
import io.fraudpipeline.job.serde.TransactionSerializer;
import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;

/**
 * A transaction on its way to the aggregate rules keyed by {@code keySpec} (see {@link
 * CompiledRules#keyFields}): {@code key} is the keyBy key (the fields and their values), so every
 * transaction of one group meets the same state.
 *
 * <p>Read from the hop, the transaction stays in its wire form ({@link TransactionSerializer}'s,
 * one array) until {@link #transaction()} is first asked for: {@code aggregate-rules} holds what it
 * reads until the watermark passes it (at full speed tens of thousands per subtask, long enough to
 * outlive young collections), and a decoded transaction is 15 objects (the record, six strings and
 * their arrays, its amount and its time); in its wire form it is one array, which the collector
 * copies and a checkpoint writes as it is. Equality is by the key and the transaction, whatever the
 * form.
 */
public final class GroupedTransaction {

  /** On the hop to {@code aggregate-rules}. */
  public static final TypeInformation<GroupedTransaction> TYPE =
      SerializerTypeInfo.of(GroupedTransaction.class, GroupedTransactionSerializer.INSTANCE);

  /** Of {@link #key()}, which keys {@code aggregate-rules}' state and timers. */
  public static final TypeInformation<String> KEY_TYPE =
      SerializerTypeInfo.key(String.class, CompactStringSerializer.INSTANCE);

  /** {@link #time()} of a transaction without a timestamp. */
  static final long NO_TIME = Long.MIN_VALUE;

  private final String keySpec;
  private final String key;
  private final long time;
  // The wire form, or null when made from the transaction itself.
  private final byte[] encoded;
  // Decoded from encoded on first use, by the one thread that judges it (never read by another:
  // a snapshot serializes the encoded form).
  private Transaction transaction;

  /**
   * @param keySpec the key fields' wire names, comma-separated
   * @param key {@code keySpec}, then each field's value, separated by NUL characters
   */
  public GroupedTransaction(String keySpec, String key, Transaction transaction) {
    this.keySpec = keySpec;
    this.key = key;
    this.transaction = Objects.requireNonNull(transaction, "transaction");
    this.time = transaction.timestamp() == null ? NO_TIME : RuleWindows.time(transaction);
    this.encoded = null;
  }

  /**
   * @param encoded the transaction in {@link TransactionSerializer}'s form
   * @param time its event time in milliseconds, as read while copying that form
   */
  GroupedTransaction(String keySpec, String key, byte[] encoded, long time) {
    this.keySpec = keySpec;
    this.key = key;
    this.encoded = encoded;
    this.time = time;
  }

  public String keySpec() {
    return keySpec;
  }

  /**
   * Reads the start and the end of the wire form (a decoding reads it all), for {@code
   * aggregate-rules} to read ahead what it is about to judge; see {@link
   * HeldTransactions#readAhead}.
   */
  int readAhead() {
    return encoded == null ? 0 : encoded[0] + encoded[encoded.length - 1];
  }

  public String key() {
    return key;
  }

  /** The transaction's event time in milliseconds ({@code RuleWindows.time}), without decoding. */
  public long time() {
    return time;
  }

  public Transaction transaction() {
    if (transaction == null) {
      try {
        transaction =
            TransactionSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(encoded), new CompactFields.StringReader());
      } catch (IOException e) {
        throw new UncheckedIOException("a grouped transaction's wire form is corrupt", e);
      }
    }
    return transaction;
  }

  /**
   * Compares the transaction ids, with the sign of {@link String#compareTo}: from the wire forms
   * when both are in one (at a high rate many transactions share a millisecond, and decoding each
   * to order it would keep it decoded while it waits).
   */
  int compareIdWith(GroupedTransaction other) {
    if (encoded != null && other.encoded != null) {
      int compared = TransactionSerializer.compareIds(encoded, other.encoded);
      if (compared != TransactionSerializer.UNDECIDED) {
        return compared;
      }
    }
    return transaction().transactionId().compareTo(other.transaction().transactionId());
  }

  /** The wire form it was read in, or null when it was made from the transaction. */
  byte[] encodedOrNull() {
    return encoded;
  }

  /** The {@code keySpec} part of a {@link #key()}. */
  public static String keySpecOf(String key) {
    return keySpecOf(key, null);
  }

  /**
   * The {@code keySpec} part of a {@link #key()}: {@code known} itself when that is it, so that the
   * keys of one spec share one instance (its hash code computed once, and an identity check finds
   * it), else a new string.
   *
   * @param known a key spec met before, or null
   */
  public static String keySpecOf(String key, String known) {
    int end = key.indexOf('\0');
    int length = end < 0 ? key.length() : end;
    if (known != null && known.length() == length && key.startsWith(known)) {
      return known;
    }
    return end < 0 ? key : key.substring(0, end);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupedTransaction other
        && keySpec.equals(other.keySpec)
        && key.equals(other.key)
        && transaction().equals(other.transaction());
  }

  @Override
  public int hashCode() {
    return Objects.hash(keySpec, key, transaction());
  }

  @Override
  public String toString() {
    return "GroupedTransaction[keySpec=" + keySpec + ", key=" + key + ", " + transaction() + "]";
  }
}
