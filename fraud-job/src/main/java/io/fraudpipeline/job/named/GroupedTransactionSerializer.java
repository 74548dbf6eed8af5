package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactFields;
import io.fraudpipeline.job.serde.ImmutableSerializer;
import io.fraudpipeline.job.serde.TransactionSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GroupedTransaction} on the hop to {@code aggregate-rules}: the key in {@link
 * CompactFields}' form and the transaction in {@link TransactionSerializer}'s; the {@code keySpec}
 * is the key's first part, so it is not sent twice.
 */
public final class GroupedTransactionSerializer extends ImmutableSerializer<GroupedTransaction> {

  private static final long serialVersionUID = 1L;

  public static final GroupedTransactionSerializer INSTANCE = new GroupedTransactionSerializer();

  @Override
  public void serialize(GroupedTransaction grouped, DataOutputView out) throws IOException {
    CompactFields.writeString(grouped.key(), out);
    TransactionSerializer.INSTANCE.serialize(grouped.transaction(), out);
  }

  @Override
  public GroupedTransaction deserialize(DataInputView in) throws IOException {
    String key = CompactFields.readString(in);
    return new GroupedTransaction(
        GroupedTransaction.keySpecOf(key), key, TransactionSerializer.INSTANCE.deserialize(in));
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
