package io.fraudpipeline.job.named;

import io.fraudpipeline.model.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@code aggregate-rules} keeps for one key (a card, a merchant, or the values of one
 * {@code group_by}: {@link CompiledRules#keyFields}), in one keyed value so that a transaction
 * costs one state read and one write however many rules it feeds: the transactions judged that the
 * widest window of the key's rules still holds ({@link HeldTransactions}). Every rule of the key
 * evaluates those (its own group's part of them), so a transaction is kept once, not once per rule.
 * {@code pending} holds transactions waiting for the watermark only in state restored from a build
 * that kept them here (now they wait in {@link AggregateRulesOperator}'s queue); their timers judge
 * them.
 *
 * <p>Changed in place: Flink's heap backend copies a value ({@link GroupStateSerializer#copy}) the
 * first time it is read after a snapshot began, so a snapshot never sees a later change; other
 * backends hand out a fresh copy on every read.
 */
public final class GroupState {

  /**
   * Mutable only when it holds any (see {@link #NO_PENDING}): every key of this build has none, and
   * an empty list of its own per key was one more object for every state access to read ({@link
   * #isEmpty}) and for every copy-on-write to copy.
   */
  final List<Transaction> pending;

  final HeldTransactions held;

  /**
   * When {@code aggregate-rules} last wrote this value to keyed state, which refreshes its time to
   * live (processing time, ms; 0: not since it was read from a snapshot). Not part of the state.
   */
  long refreshedAt;

  /** The pending transactions of a key that has none: shared, never changed. */
  static final List<Transaction> NO_PENDING = List.of();

  public GroupState() {
    this(NO_PENDING, new HeldTransactions());
  }

  /**
   * @param pending transactions restored waiting for the watermark: kept as a list of its own when
   *     there are any
   */
  GroupState(List<Transaction> pending, HeldTransactions held) {
    this.pending = pending.isEmpty() ? NO_PENDING : new ArrayList<>(pending);
    this.held = held;
  }

  boolean isEmpty() {
    return pending.isEmpty() && held.isEmpty();
  }

  /** A copy that shares nothing mutable with this one (transactions are immutable). */
  GroupState deepCopy() {
    GroupState copy = new GroupState(pending, held.copy());
    copy.refreshedAt = refreshedAt;
    return copy;
  }
}
