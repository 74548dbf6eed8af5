package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.TransactionSerializer;
import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GroupState} in snapshots: every checkpoint of the heap backend writes the whole state, so
 * its size is the operator's cost per checkpoint. Reflection-free: {@code int pending}, each
 * pending transaction, {@code int held}, each held transaction, all in {@link
 * TransactionSerializer}'s form.
 */
public final class GroupStateSerializer extends TypeSerializerSingleton<GroupState> {

  private static final long serialVersionUID = 1L;

  public static final GroupStateSerializer INSTANCE = new GroupStateSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public GroupState createInstance() {
    return new GroupState();
  }

  @Override
  public GroupState copy(GroupState from) {
    return from.deepCopy();
  }

  @Override
  public GroupState copy(GroupState from, GroupState reuse) {
    return from.deepCopy();
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(GroupState state, DataOutputView out) throws IOException {
    writeTransactions(state.pending, out);
    writeTransactions(state.held, out);
  }

  private static void writeTransactions(List<Transaction> transactions, DataOutputView out)
      throws IOException {
    out.writeInt(transactions.size());
    for (Transaction tx : transactions) {
      TransactionSerializer.INSTANCE.serialize(tx, out);
    }
  }

  @Override
  public GroupState deserialize(DataInputView in) throws IOException {
    List<Transaction> pending = readTransactions(in);
    return new GroupState(pending, readTransactions(in));
  }

  private static List<Transaction> readTransactions(DataInputView in) throws IOException {
    int size = in.readInt();
    List<Transaction> transactions = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      transactions.add(TransactionSerializer.INSTANCE.deserialize(in));
    }
    return transactions;
  }

  @Override
  public GroupState deserialize(GroupState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<GroupState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Snapshot of this stateless serializer: it has no configuration, only a format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<GroupState> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
