package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.TransactionSerializer;
import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GroupState} in snapshots: every checkpoint of the heap backend writes the whole state, so
 * its size and speed are the operator's cost per checkpoint. Reflection-free: {@code int pending},
 * each pending transaction in {@link TransactionSerializer}'s form, then the held transactions in
 * {@link HeldTransactions}' columns, which keeps them encoded. The pending ones are encoded into a
 * buffer and handed on in one write: a snapshot's stream otherwise takes a call per byte.
 *
 * <p>Savepoints of the build before the columns (snapshot version 3 or older: held transactions
 * written one by one like the pending ones) still restore: {@link Snapshot} reads them with {@link
 * PreviousForm} and Flink migrates the state.
 */
public final class GroupStateSerializer extends GroupStateSerializerBase {

  private static final long serialVersionUID = 1L;

  public static final GroupStateSerializer INSTANCE = new GroupStateSerializer();

  /** Buffers above this are dropped after use rather than kept for the thread's lifetime. */
  private static final int KEPT_BUFFER_BYTES = 1 << 20;

  // Per thread: the task thread copies and the asynchronous snapshot thread writes at once.
  private static final ThreadLocal<DataOutputSerializer> BUFFER =
      ThreadLocal.withInitial(() -> new DataOutputSerializer(4096));

  @Override
  public void serialize(GroupState state, DataOutputView out) throws IOException {
    if (state.pending.isEmpty()) {
      out.writeInt(0); // every key of this build
    } else {
      DataOutputSerializer buffer = BUFFER.get();
      buffer.clear();
      writeTransactions(state.pending, buffer);
      out.write(buffer.getSharedBuffer(), 0, buffer.length());
      if (buffer.getSharedBuffer().length > KEPT_BUFFER_BYTES) {
        BUFFER.remove();
      }
    }
    // Already encoded: a few bulk writes.
    state.held.writeTo(out);
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
    return new GroupState(pending, HeldTransactions.readFrom(in));
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
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<GroupState> snapshotConfiguration() {
    return new Snapshot();
  }

  /**
   * Reads the form before {@link HeldTransactions}: {@code int pending}, the pending transactions,
   * {@code int held}, the held transactions, all in {@link TransactionSerializer}'s form. Only for
   * restoring; state is written in the current form.
   */
  static final class PreviousForm extends GroupStateSerializerBase {

    private static final long serialVersionUID = 1L;

    static final PreviousForm INSTANCE = new PreviousForm();

    @Override
    public void serialize(GroupState record, DataOutputView target) {
      throw new UnsupportedOperationException("state is written in the current form only");
    }

    @Override
    public GroupState deserialize(DataInputView in) throws IOException {
      List<Transaction> pending = readTransactions(in);
      return new GroupState(pending, HeldTransactions.of(readTransactions(in)));
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) {
      throw new UnsupportedOperationException("state is written in the current form only");
    }

    @Override
    public TypeSerializerSnapshot<GroupState> snapshotConfiguration() {
      return new Snapshot(Snapshot.BEFORE_COLUMNS);
    }
  }

  /**
   * The serializer has no configuration, only a format version. Versions up to 3 were Flink's
   * {@code SimpleTypeSerializerSnapshot} (same class name, no payload) over {@link PreviousForm}.
   */
  public static final class Snapshot implements TypeSerializerSnapshot<GroupState> {

    static final int BEFORE_COLUMNS = 3;
    private static final int COLUMNS = 4;

    private int version;

    public Snapshot() {
      this(COLUMNS);
    }

    Snapshot(int version) {
      this.version = version;
    }

    @Override
    public int getCurrentVersion() {
      return COLUMNS;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {}

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
        throws IOException {
      if (readVersion == 2) {
        // SimpleTypeSerializerSnapshot's version 2 named the serializer class.
        in.readUTF();
      } else if (readVersion != BEFORE_COLUMNS && readVersion != COLUMNS) {
        throw new IOException("unknown GroupStateSerializer snapshot version " + readVersion);
      }
      version = readVersion;
    }

    @Override
    public TypeSerializer<GroupState> restoreSerializer() {
      return version <= BEFORE_COLUMNS ? PreviousForm.INSTANCE : INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<GroupState> resolveSchemaCompatibility(
        TypeSerializerSnapshot<GroupState> oldSnapshot) {
      if (!(oldSnapshot instanceof Snapshot old)) {
        return TypeSerializerSchemaCompatibility.incompatible();
      }
      return old.version <= BEFORE_COLUMNS
          ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
          : TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
  }
}
