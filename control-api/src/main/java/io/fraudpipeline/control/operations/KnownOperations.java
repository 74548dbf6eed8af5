package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.scheduling.Backoff;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The operations as this replica shows them, and which of them it runs: memory, written through to
 * the {@link OperationStore} before a change is shown, so that a restarted control plane, or
 * another replica, finds what this one gave out. Bounded: the oldest ended operations beyond {@link
 * #RETAINED} are forgotten, in the topic too.
 */
final class KnownOperations {

  /** Completed operations are forgotten beyond this many. */
  static final int RETAINED = 200;

  private static final int WITHDRAWN_REMEMBERED = 1000;

  private final Map<String, Operation> operations = new ConcurrentHashMap<>();

  /** The operations this process started whose body has not ended. */
  private final Set<String> started = ConcurrentHashMap.newKeySet();

  /**
   * The latest claims withdrawn here and removed from the topic: only a read that raced the removal
   * can still hold one, so a bounded few are enough.
   */
  private final Set<String> withdrawn =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > WITHDRAWN_REMEMBERED;
                }
              }));

  private final OperationStore store;
  private final UnrecordedEnds ends;
  private volatile boolean closed;

  /**
   * @param endRetry the wait before each new write of an operation's end Kafka missed, after as
   *     many failed ones in a row ({@link UnrecordedEnds})
   */
  KnownOperations(OperationStore store, Backoff endRetry) {
    this.store = store;
    this.ends = new UnrecordedEnds(store, endRetry);
  }

  /** The operation as memory has it, or null. */
  Operation get(String id) {
    return operations.get(id);
  }

  boolean contains(String id) {
    return operations.containsKey(id);
  }

  /** Every operation in memory, in no order. */
  Stream<Operation> stream() {
    return operations.values().stream();
  }

  /** Whether the operation runs in this replica now (started here, not ended). */
  boolean runsHere(String id) {
    Operation operation = operations.get(id);
    return operation != null && runsHere(operation);
  }

  boolean runsHere(Operation known) {
    // Started by this process, not merely of its replica id: one a replica left in progress before
    // it restarted under the same id stays in progress while its work is under way
    // (OperationOutcomes), and this process does not run it.
    return known.state() == OperationState.IN_PROGRESS && started.contains(known.id());
  }

  /** Shows an operation this process has just accepted and runs from now on. */
  void started(Operation accepted) {
    started.add(accepted.id());
    operations.put(accepted.id(), accepted);
  }

  /**
   * Marks the operation's body ended; shown ended already, so whoever sees it gone sees its end.
   */
  void ended(String id) {
    started.remove(id);
  }

  /**
   * Forgets an operation this process accepted but never started (its claim was refused or given
   * up), and, when {@code removed} from the topic, ignores it from now on in what was read from the
   * topic before: a read that raced the removal would bring it back, in progress, run by none.
   */
  void withdrawn(String id, boolean removed) {
    if (removed) {
      // Before it stops running here: at any moment one of the two keeps it from being failed as
      // abandoned.
      withdrawn.add(id);
    }
    started.remove(id);
    operations.remove(id);
  }

  /** Whether the operation was withdrawn here and removed from the topic. */
  boolean isWithdrawn(String id) {
    return withdrawn.contains(id);
  }

  /**
   * Writes an operation to the store, unless this control plane is closing; says whether it did.
   */
  boolean saveUnlessClosing(Operation operation) {
    return !closed && store(operation);
  }

  /** Writes an operation; one that has ended is written again until Kafka has it. */
  private boolean store(Operation operation) {
    return operation.state() == OperationState.IN_PROGRESS
        ? store.save(operation)
        : ends.save(operation);
  }

  /**
   * Writes an operation's new state, then shows it: whoever saw it here finds it again after a
   * restart (unless Kafka was down). Only the operation's own thread changes it while it runs.
   */
  void update(String id, UnaryOperator<Operation> change) {
    Operation current = operations.get(id);
    if (current == null) {
      return;
    }
    Operation next = change.apply(current);
    // Once this control plane is closing, the interrupted operation is left in progress in the
    // topic: the next one reports it with a cause that says what happened.
    saveUnlessClosing(next);
    operations.replace(id, next);
  }

  /** Shows a change without writing it (what other replicas need not see, or not that often). */
  void show(String id, UnaryOperator<Operation> change) {
    operations.computeIfPresent(id, (k, op) -> change.apply(op));
  }

  /** Writes an operation to the store, even while closing, without showing it yet. */
  void save(Operation operation) {
    store(operation);
  }

  /** Writes an operation another replica left behind, as this one ended it, then shows it. */
  void write(Operation ended) {
    store(ended);
    operations.put(ended.id(), ended);
  }

  /** Shows an operation loaded from the store, unless memory has it already (memory is newer). */
  void putIfAbsent(Operation loaded) {
    if (!withdrawn.contains(loaded.id())) {
      operations.putIfAbsent(loaded.id(), loaded);
    }
  }

  /**
   * Keeps a record read from the store in memory, unless memory knows better; null for a claim
   * withdrawn here (the read raced its removal).
   */
  Operation refreshed(Operation recorded) {
    if (withdrawn.contains(recorded.id())) {
      return null;
    }
    return operations.compute(
        recorded.id(),
        (id, known) ->
            known != null
                    && (runsHere(known)
                        // Ended here (e.g. failed as abandoned) while Kafka missed the write.
                        || (known.state() != OperationState.IN_PROGRESS
                            && recorded.state() == OperationState.IN_PROGRESS))
                ? known
                : recorded);
  }

  /** The newest {@code limit} operations in memory, newest first. */
  List<Operation> newest(int limit) {
    return operations.values().stream()
        .sorted(Comparator.comparing(Operation::createdAt).reversed())
        .limit(limit)
        .toList();
  }

  /**
   * Forgets the oldest ended operations beyond {@link #RETAINED}, in the topic too unless Kafka
   * just failed to answer (a later load evicts them again, without waiting on Kafka twice now).
   */
  void evictOld(boolean fromTopicToo) {
    int excess = operations.size() - RETAINED;
    if (excess <= 0) {
      return;
    }
    operations.values().stream()
        // One whose end Kafka has not got yet is kept to be written (its record still in progress).
        .filter(op -> op.state() != OperationState.IN_PROGRESS && !ends.isPending(op.id()))
        .sorted(Comparator.comparing(Operation::createdAt))
        .limit(excess)
        .toList()
        .forEach(
            op -> {
              if (operations.remove(op.id(), op) && fromTopicToo && !closed) {
                store.forget(op.id());
              }
            });
  }

  /**
   * From now on, what the interrupted bodies change is shown but not written: the operations they
   * leave in progress in the topic are reported by the next control plane, with a cause that says
   * what happened. The ends of operations that ended before, which Kafka missed, are written once
   * more, for at most {@code within}.
   */
  void close(Duration within) {
    closed = true;
    ends.close(within);
  }
}
