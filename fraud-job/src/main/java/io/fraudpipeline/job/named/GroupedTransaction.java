package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactStringSerializer;
import io.fraudpipeline.job.serde.SerializerTypeInfo;
import io.fraudpipeline.model.Transaction;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A transaction on its way to the aggregate rules keyed by {@code keySpec} (see {@link
 * CompiledRules#keyFields}): {@code key} is the keyBy key (the fields and their values), so every
 * transaction of one group meets the same state.
 *
 * @param keySpec the key fields' wire names, comma-separated
 * @param key {@code keySpec}, then each field's value, separated by NUL characters
 */
public record GroupedTransaction(String keySpec, String key, Transaction transaction) {

  /** On the hop to {@code aggregate-rules}. */
  public static final TypeInformation<GroupedTransaction> TYPE =
      SerializerTypeInfo.of(GroupedTransaction.class, GroupedTransactionSerializer.INSTANCE);

  /** Of {@link #key()}, which keys {@code aggregate-rules}' state and timers. */
  public static final TypeInformation<String> KEY_TYPE =
      SerializerTypeInfo.key(String.class, CompactStringSerializer.INSTANCE);

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
}
