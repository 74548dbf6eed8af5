package io.fraudpipeline.job.named;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;

/** What both forms of {@link GroupStateSerializer} share: a mutable value, copied deeply. */
abstract class GroupStateSerializerBase extends TypeSerializerSingleton<GroupState> {

  private static final long serialVersionUID = 1L;

  @Override
  public final boolean isImmutableType() {
    return false;
  }

  @Override
  public final GroupState createInstance() {
    return new GroupState();
  }

  @Override
  public final GroupState copy(GroupState from) {
    return from.deepCopy();
  }

  @Override
  public final GroupState copy(GroupState from, GroupState reuse) {
    return from.deepCopy();
  }

  @Override
  public final int getLength() {
    return -1;
  }

  @Override
  public final GroupState deserialize(GroupState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }
}
