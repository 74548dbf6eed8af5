package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactFields;
import io.fraudpipeline.job.serde.TransactionSerializer;
import io.fraudpipeline.model.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GroupState} in snapshots: every checkpoint of the heap backend writes the whole state, so
 * its size is the operator's cost per checkpoint. Reflection-free and compact: a window entry is
 * its time, transaction id and one tagged value, not a POJO with per-field null flags.
 *
 * <p>Wire form: {@code int pending}, each in {@link TransactionSerializer}'s form; {@code int
 * windows}, each as {@code rule id, int entries}, each entry as {@code long time, transaction id,
 * byte tag (0: no value, 1: number, 2: text)} and the value; strings and numbers in {@link
 * CompactFields}' forms.
 */
public final class GroupStateSerializer extends TypeSerializerSingleton<GroupState> {

  private static final long serialVersionUID = 1L;

  public static final GroupStateSerializer INSTANCE = new GroupStateSerializer();

  private static final byte NO_VALUE = 0;
  private static final byte NUMBER = 1;
  private static final byte TEXT = 2;

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
    out.writeInt(state.pending.size());
    for (Transaction tx : state.pending) {
      TransactionSerializer.INSTANCE.serialize(tx, out);
    }
    out.writeInt(state.windows.size());
    for (Map.Entry<String, List<WindowEntry>> window : state.windows.entrySet()) {
      CompactFields.writeString(window.getKey(), out);
      out.writeInt(window.getValue().size());
      for (WindowEntry e : window.getValue()) {
        out.writeLong(e.time());
        CompactFields.writeString(e.transactionId(), out);
        if (e.number() != null) {
          out.writeByte(NUMBER);
          CompactFields.writeAmount(e.number(), out);
        } else if (e.text() != null) {
          out.writeByte(TEXT);
          CompactFields.writeString(e.text(), out);
        } else {
          out.writeByte(NO_VALUE);
        }
      }
    }
  }

  @Override
  public GroupState deserialize(DataInputView in) throws IOException {
    int pendingCount = in.readInt();
    List<Transaction> pending = new ArrayList<>(pendingCount);
    for (int i = 0; i < pendingCount; i++) {
      pending.add(TransactionSerializer.INSTANCE.deserialize(in));
    }
    int windowCount = in.readInt();
    Map<String, List<WindowEntry>> windows = new HashMap<>(windowCount * 2);
    for (int w = 0; w < windowCount; w++) {
      String ruleId = CompactFields.readString(in);
      int size = in.readInt();
      List<WindowEntry> entries = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        long time = in.readLong();
        String transactionId = CompactFields.readString(in);
        byte tag = in.readByte();
        entries.add(
            new WindowEntry(
                time,
                transactionId,
                tag == NUMBER ? CompactFields.readAmount(in) : null,
                tag == TEXT ? CompactFields.readString(in) : null));
      }
      windows.put(ruleId, entries);
    }
    return new GroupState(pending, windows);
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
