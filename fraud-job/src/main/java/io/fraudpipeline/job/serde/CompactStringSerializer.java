package io.fraudpipeline.job.serde;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A non-null string in {@link CompactFields}' form: an ASCII string is one bulk write. Flink's own
 * string serializer writes a character at a time, which in a heap-backend snapshot goes through a
 * stream call per byte: the keys of {@code aggregate-rules}' state and timers took most of its
 * checkpoints' time in a JFR profile.
 */
public final class CompactStringSerializer extends TypeSerializerSingleton<String> {

  private static final long serialVersionUID = 1L;

  public static final CompactStringSerializer INSTANCE = new CompactStringSerializer();

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public String createInstance() {
    return "";
  }

  @Override
  public String copy(String from) {
    return from;
  }

  @Override
  public String copy(String from, String reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(String value, DataOutputView out) throws IOException {
    CompactFields.writeString(value, out);
  }

  @Override
  public String deserialize(DataInputView in) throws IOException {
    return CompactFields.readString(in);
  }

  @Override
  public String deserialize(String reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<String> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Snapshot of this stateless serializer: it has no configuration, only a format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<String> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
