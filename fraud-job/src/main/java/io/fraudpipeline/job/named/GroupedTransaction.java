package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactStringSerializer;
import io.fraudpipeline.job.serde.SerializerTypeInfo;
import io.fraudpipeline.model.Transaction;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A transaction on its way to the aggregate rules that group by {@code groupBy}: {@code key} is the
 * keyBy key (the fields and their values), so every transaction of one group meets the same state.
 *
 * @param groupBy the rules' {@code group_by} fields, comma-separated in rule order
 * @param key {@code groupBy}, then each field's value, separated by NUL characters
 */
public record GroupedTransaction(String groupBy, String key, Transaction transaction) {

  /** On the hop to {@code aggregate-rules}. */
  public static final TypeInformation<GroupedTransaction> TYPE =
      SerializerTypeInfo.of(GroupedTransaction.class, GroupedTransactionSerializer.INSTANCE);

  /** Of {@link #key()}, which keys {@code aggregate-rules}' state and timers. */
  public static final TypeInformation<String> KEY_TYPE =
      SerializerTypeInfo.key(String.class, CompactStringSerializer.INSTANCE);

  /** The {@code groupBy} part of a {@link #key()}. */
  public static String groupByOf(String key) {
    int end = key.indexOf('\0');
    return end < 0 ? key : key.substring(0, end);
  }
}
