package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactFields;
import io.fraudpipeline.job.serde.TransactionSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GroupedTransaction} on the hop to {@code aggregate-rules}: the key in {@link
 * CompactFields}' form and the transaction in {@link TransactionSerializer}'s; the {@code groupBy}
 * is the key's first part, so it is not sent twice.
 */
public final class GroupedTransactionSerializer
    extends TypeSerializerSingleton<GroupedTransaction> {

  private static final long serialVersionUID = 1L;

  public static final GroupedTransactionSerializer INSTANCE = new GroupedTransactionSerializer();

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public GroupedTransaction createInstance() {
    return null;
  }

  @Override
  public GroupedTransaction copy(GroupedTransaction from) {
    return from;
  }

  @Override
  public GroupedTransaction copy(GroupedTransaction from, GroupedTransaction reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(GroupedTransaction grouped, DataOutputView out) throws IOException {
    CompactFields.writeString(grouped.key(), out);
    TransactionSerializer.INSTANCE.serialize(grouped.transaction(), out);
  }

  @Override
  public GroupedTransaction deserialize(DataInputView in) throws IOException {
    String key = CompactFields.readString(in);
    return new GroupedTransaction(
        GroupedTransaction.groupByOf(key), key, TransactionSerializer.INSTANCE.deserialize(in));
  }

  @Override
  public GroupedTransaction deserialize(GroupedTransaction reuse, DataInputView in)
      throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<GroupedTransaction> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Snapshot of this stateless serializer: it has no configuration, only a format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<GroupedTransaction> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
