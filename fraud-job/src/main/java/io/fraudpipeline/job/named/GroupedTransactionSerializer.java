package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactFields;
import io.fraudpipeline.job.serde.ImmutableSerializer;
import io.fraudpipeline.job.serde.TransactionSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GroupedTransaction} on the hop to {@code aggregate-rules}: the key in {@link
 * CompactFields}' form and the transaction in {@link TransactionSerializer}'s; the {@code keySpec}
 * is the key's first part, so it is not sent twice.
 */
public final class GroupedTransactionSerializer extends ImmutableSerializer<GroupedTransaction> {

  private static final long serialVersionUID = 1L;

  public static final GroupedTransactionSerializer INSTANCE = new GroupedTransactionSerializer();

  // The key spec of the last record read; the records of that spec (mostly all of them: the rules
  // per card share one) get this one instance. Its own per duplicate; were one shared, a race
  // would only cost a new instance, as the field holds an immutable string or null.
  private transient String lastKeySpec;

  // The buffers of the thread that last read with this instance, with that thread: a thread only
  // ever uses buffers it made. Static instances (in state descriptors) may be read with by several
  // tasks at once; one field holding both keeps that race harmless.
  private transient ThreadBuffers buffers;

  /**
   * @param form where a transaction's wire form is copied first, to learn its length
   */
  private record ThreadBuffers(
      Thread thread, CompactFields.StringReader strings, DataOutputSerializer form) {}

  @Override
  public void serialize(GroupedTransaction grouped, DataOutputView out) throws IOException {
    CompactFields.writeString(grouped.key(), out);
    byte[] encoded = grouped.encodedOrNull();
    if (encoded != null) {
      out.write(encoded);
    } else {
      TransactionSerializer.INSTANCE.serialize(grouped.transaction(), out);
    }
  }

  @Override
  public GroupedTransaction deserialize(DataInputView in) throws IOException {
    ThreadBuffers mine = buffers;
    if (mine == null || mine.thread() != Thread.currentThread()) {
      mine =
          new ThreadBuffers(
              Thread.currentThread(),
              new CompactFields.StringReader(),
              new DataOutputSerializer(128));
      buffers = mine;
    }
    String key = mine.strings().read(in);
    // Hashed now, while its bytes are in the cache: keyBy hashes it when it leaves the waiting
    // queue, by then cold (147 of 1 536 samples of aggregate-rules' thread in a JFR profile). The
    // string keeps its hash code.
    key.hashCode();
    String keySpec = GroupedTransaction.keySpecOf(key, lastKeySpec);
    lastKeySpec = keySpec;
    // The transaction stays in its wire form until judged (see GroupedTransaction).
    DataOutputSerializer form = mine.form();
    form.clear();
    long time = TransactionSerializer.copyForm(in, form, GroupedTransaction.NO_TIME);
    return new GroupedTransaction(keySpec, key, form.getCopyOfBuffer(), time);
  }

  /** A new instance: each keeps its own last key spec. */
  @Override
  public GroupedTransactionSerializer duplicate() {
    return new GroupedTransactionSerializer();
  }

  @Override
  public TypeSerializerSnapshot<GroupedTransaction> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Snapshot of this serializer: it has no configuration, only a format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<GroupedTransaction> {
    public Snapshot() {
      // A new instance for each restore, which may run in several tasks at once.
      super(GroupedTransactionSerializer::new);
    }
  }
}
