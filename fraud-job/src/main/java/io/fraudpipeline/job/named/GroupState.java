package io.fraudpipeline.job.named;

import io.fraudpipeline.model.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code aggregate-rules} keeps for one group, in one keyed value so that a transaction
 * costs one state read and one write however many rules it feeds: the transactions waiting for the
 * watermark, and each rule's window (rule id → entries in judging order).
 *
 * <p>Changed in place: Flink's heap backend copies a value ({@link GroupStateSerializer#copy}) the
 * first time it is read after a snapshot began, so a snapshot never sees a later change; other
 * backends hand out a fresh copy on every read.
 */
public final class GroupState {

  final List<Transaction> pending;
  final Map<String, List<WindowEntry>> windows;

  public GroupState() {
    this(new ArrayList<>(), new HashMap<>());
  }

  GroupState(List<Transaction> pending, Map<String, List<WindowEntry>> windows) {
    this.pending = pending;
    this.windows = windows;
  }

  boolean isEmpty() {
    return pending.isEmpty() && windows.isEmpty();
  }

  /** A copy that shares nothing mutable with this one (entries and transactions are immutable). */
  GroupState deepCopy() {
    Map<String, List<WindowEntry>> copied = new HashMap<>(windows.size() * 2);
    windows.forEach((id, entries) -> copied.put(id, new ArrayList<>(entries)));
    return new GroupState(new ArrayList<>(pending), copied);
  }
}
