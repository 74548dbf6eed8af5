package io.fraudpipeline.job.named;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.late.LateTransactions;
import io.fraudpipeline.job.rules.AppliedRules;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code aggregate-rules}: the aggregate named rules, keyed by card, merchant or group ({@link
 * GroupedTransaction#key()}), in event time; the rule sets arrive on the second, broadcast input.
 * Everything a key holds is one {@link GroupState} value; the evaluation itself is {@link
 * NamedRuleEvaluator}'s.
 *
 * <p>As the velocity rule does, transactions wait until the watermark passes them and are then
 * judged in event-time order (ties by transaction id), so the result does not depend on arrival
 * order within the source's out-of-orderness bound; a late one is judged at the next watermark
 * against what the window still holds (counted, and logged at most once a minute: its aggregates
 * may miss transactions that newer ones already evicted), also behind the watermark of the
 * checkpoint the state was restored from ({@link LateTransactions}). They wait in one queue of the
 * operator ({@link WaitingTransactions}, a heap over primitive event times), not in keyed state
 * with a timer each: a timer per transaction (registered, sorted, written by every checkpoint, then
 * fired) and a second state access were a third of this operator's time in a JFR profile. The queue
 * is checkpointed as union list state of the transactions alone (each one's event time is read
 * again on restore), one list element per subtask; after a restore each subtask keeps the
 * transactions of its own key groups, so it rescales.
 *
 * <p>State stays bounded: a key holds its transactions for the widest window of its rules. Each
 * judgement evicts what lies before it, a timer evicts the oldest when the widest window has slid
 * past it (set when the oldest changes, and again while anything is left), a rule change that
 * narrows or removes a key's widest window trims or drops its state at once, and a TTL drops a key
 * untouched for {@link #STATE_TTL} (within {@link #TTL_REFRESH_MILLIS}) in case anything escaped
 * all that.
 */
public final class AggregateRulesOperator extends AbstractStreamOperator<FraudAlert>
    implements TwoInputStreamOperator<GroupedTransaction, byte[], FraudAlert>,
        Triggerable<String, VoidNamespace> {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(AggregateRulesOperator.class);

  /** Processing time after which an untouched key is dropped: twice the widest window. */
  public static final Duration STATE_TTL = NamedRule.MAX_WINDOW.multipliedBy(2);

  /**
   * How often a key's value is written back only to refresh its time to live, where the value read
   * is the one stored ({@link #valuesLive}): a key is dropped after 15/16 to all of {@link
   * #STATE_TTL} untouched. A write per transaction made a new TTL wrapper object per transaction,
   * referenced from the old generation: young-GC work (docs/job.md has the measurement).
   */
  private static final long TTL_REFRESH_MILLIS = STATE_TTL.dividedBy(16).toMillis();

  static final ValueStateDescriptor<GroupState> GROUPS = groupsDescriptor();

  /**
   * How many transactions a watermark releases are read ahead together ({@link #readAhead}): what
   * they read stays in the core's cache until they are judged.
   */
  static final int READ_AHEAD = 128;

  /**
   * The timer service's name: that of Flink's keyed process operators, which ran this operator's
   * function before, so their timers in a savepoint restore here.
   */
  private static final String TIMERS = "user-timers";

  /**
   * The waiting queue at a checkpoint: one element per subtask, its transactions. Not one element
   * per transaction: list state records a stream offset per element (a position syscall each, and
   * every offset goes into the checkpoint's metadata on the JobManager), and thousands wait per
   * subtask at full load.
   */
  static final ListStateDescriptor<List<GroupedTransaction>> WAITING =
      new ListStateDescriptor<>(
          "waiting-transactions", new ListSerializer<>(GroupedTransactionSerializer.INSTANCE));

  /**
   * The waiting queue as builds before {@link #WAITING} wrote it, one element per transaction: read
   * from their savepoints, then cleared.
   */
  static final ListStateDescriptor<GroupedTransaction> WAITING_PER_TRANSACTION =
      new ListStateDescriptor<>("waiting-for-watermark", GroupedTransaction.TYPE);

  private final byte[] initialRulesJson;

  private transient AppliedRules rules;
  private transient CompiledRules compiled;
  private transient ValueState<GroupState> groups;
  private transient InternalTimerService<VoidNamespace> timers;
  private transient WaitingTransactions waiting;
  private transient ListState<List<GroupedTransaction>> waitingState;
  private transient LateTransactions late;
  // Whether the state backend hands out the stored value itself (the heap backend), so a change in
  // place is stored; other backends hand out a copy, which every change must write back.
  private transient boolean valuesLive;
  private transient RuleMetrics ruleMetrics;
  private transient Counter invalidRuleSets;
  private transient StreamRecord<FraudAlert> outRecord;
  private transient NamedRuleEvaluator.Verdicts verdicts;
  // How each grouping of the current rules (compiled) is judged: its rules' metrics by index, and
  // the evaluator's workspace.
  private transient Map<CompiledRules.Grouping, Judging> judgingByGrouping;
  private transient Judging judging;
  // The grouping of the last key spec looked up, for the current rules: the records of one spec
  // share its instance (see GroupedTransactionSerializer), so mostly an identity check finds it.
  private transient String lastKeySpec;
  private transient CompiledRules.Grouping lastGrouping;
  // The transactions a watermark releases, judged READ_AHEAD at a time, and their keys' state while
  // it is read ahead (see readAhead).
  private transient GroupedTransaction[] due;
  private transient GroupState[] dueStates;
  // The keys whose value judging dropped since the batch began: what readAhead read for them is
  // stale.
  private transient Set<String> droppedInBatch;
  // What readAhead read, summed: kept in a field so that the compiler keeps the reads.
  private transient long readAheadSum;

  /**
   * @param initialRulesJson the rule set read when the job was submitted, or null for the defaults
   */
  public AggregateRulesOperator(byte[] initialRulesJson) {
    this.initialRulesJson = initialRulesJson;
  }

  private static ValueStateDescriptor<GroupState> groupsDescriptor() {
    ValueStateDescriptor<GroupState> descriptor =
        new ValueStateDescriptor<>("group-windows", GroupStateSerializer.INSTANCE);
    // No cleanup in the background: on the heap backend it visits (and copies) a few other keys'
    // state on every state access, which cost about 80 % of this operator's time in the
    // benchmark's profile; nor in full snapshots, which filter every entry. The timers evict every
    // window; what they would miss is dropped when read.
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(STATE_TTL)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .disableCleanupInBackground()
            .build());
    return descriptor;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    rules = AppliedRules.restore(initialRulesJson, context);
    compiled = new CompiledRules(rules.current());
    judgingByGrouping = new IdentityHashMap<>();
    waiting = new WaitingTransactions();
    waitingState = context.getOperatorStateStore().getUnionListState(WAITING);
    late =
        new LateTransactions(
            context,
            LOG,
            "each is judged against what its windows still hold, so its aggregates may miss"
                + " transactions that newer ones evicted");
    if (context.isRestored()) {
      for (List<GroupedTransaction> batch : waitingState.get()) {
        batch.forEach(this::keepIfOwned);
      }
      ListState<GroupedTransaction> perTransaction =
          context.getOperatorStateStore().getUnionListState(WAITING_PER_TRANSACTION);
      perTransaction.get().forEach(this::keepIfOwned);
      perTransaction.clear();
    }
  }

  /** Puts a restored waiting transaction in the queue if its key is this subtask's. */
  private void keepIfOwned(GroupedTransaction grouped) {
    TaskInfo task = getRuntimeContext().getTaskInfo();
    int subtask =
        KeyGroupRangeAssignment.assignKeyToParallelOperator(
            grouped.key(),
            task.getMaxNumberOfParallelSubtasks(),
            task.getNumberOfParallelSubtasks());
    if (subtask == task.getIndexOfThisSubtask()) {
      waiting.add(grouped.time(), grouped);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    groups = getPartitionedState(GROUPS);
    valuesLive = getKeyedStateBackend() instanceof HeapKeyedStateBackend;
    timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
    outRecord = new StreamRecord<>(null);
    due = new GroupedTransaction[READ_AHEAD];
    dueStates = new GroupState[READ_AHEAD];
    droppedInBatch = new HashSet<>();
    verdicts = this::emit;
    MetricGroup metrics = getMetricGroup();
    ruleMetrics = new RuleMetrics(metrics);
    invalidRuleSets = metrics.counter(JobMetrics.INVALID_RULE_SETS);
    late.open(metrics);
    metrics.gauge(JobMetrics.RULES_VERSION_APPLIED, (Gauge<Long>) rules::version);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    late.snapshot(timers.currentWatermark());
    if (waiting.isEmpty()) {
      waitingState.clear();
      return;
    }
    List<GroupedTransaction> all = new ArrayList<>(waiting.size());
    waiting.forEach(all::add);
    waitingState.update(List.of(all));
  }

  @Override
  public void processElement1(StreamRecord<GroupedTransaction> record) {
    GroupedTransaction grouped = record.getValue();
    long time = grouped.time();
    long lateUpTo = late.lateUpTo(timers.currentWatermark());
    if (time <= lateUpTo && countsForItsTransaction(grouped)) {
      late.count(grouped.transaction().transactionId(), time, lateUpTo);
    }
    waiting.add(time, grouped);
  }

  /**
   * Whether the record is the one of its transaction's groupings that counts it: evaluate-rules
   * sends a transaction once per grouping of the aggregate rules, to the subtasks owning those
   * keys, and counting every record counted a late transaction up to once per grouping. Each
   * subtask works out the first grouping from the transaction and the rules alone, so exactly one
   * record counts wherever the others go; only while subtasks apply different rule sets (for a
   * moment after a change) may a late transaction be counted twice or not at all.
   */
  private boolean countsForItsTransaction(GroupedTransaction grouped) {
    return grouped.keySpec().equals(compiled.firstKeySpec(grouped.transaction()));
  }

  /** {@link JobMetrics#LATE_TRANSACTIONS}, for tests. */
  long lateTransactionCount() {
    return late.count();
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    long time = mark.getTimestamp();
    late.advance(time);
    Instant now = Instant.now();
    while (!waiting.isEmpty() && waiting.peekTime() <= time) {
      int count = 0;
      while (count < due.length && !waiting.isEmpty() && waiting.peekTime() <= time) {
        due[count++] = waiting.poll();
      }
      readAhead(count);
      droppedInBatch.clear();
      for (int i = 0; i < count; i++) {
        setCurrentKey(due[i].key());
        GroupState known = dueStates[i];
        judgeInKey(
            due[i], known == null || droppedInBatch.contains(due[i].key()) ? null : known, now);
        due[i] = null;
        dueStates[i] = null;
      }
    }
    // Then the eviction timers the watermark passed, and the watermark goes on.
    super.processWatermark(mark);
  }

  /**
   * Reads the state of the first {@code count} {@link #due} transactions' keys before any of them
   * is judged: first each key's value, then its held transactions' object, then their arrays, each
   * step for all keys before the next. With many cards (the benchmark's 100 000), a key's state is
   * mostly out of the cache when its next transaction comes, and judging it read one array after
   * another, each a cache miss the thread waited for; reads of different keys in one loop overlap.
   * The values read stay in {@link #dueStates} for judging, which would otherwise look each up a
   * second time (7.5 % of the operator's thread in a profile): on the heap backend a value is the
   * stored object itself, and no snapshot begins within a watermark, so it stays the stored one
   * unless judging an earlier transaction of the same key drops it ({@link #droppedInBatch}). A key
   * absent here is looked up again when judged, as an earlier transaction may create it.
   */
  private void readAhead(int count) throws Exception {
    if (!valuesLive || count < 2) {
      return; // other backends would deserialize every value twice
    }
    for (int i = 0; i < count; i++) {
      setCurrentKey(due[i].key());
      dueStates[i] = groups.value();
    }
    long sum = 0;
    for (int i = 0; i < count; i++) {
      sum += due[i].readAhead();
      sum += dueStates[i] == null ? 0 : dueStates[i].held.size();
    }
    for (int i = 0; i < count; i++) {
      sum += dueStates[i] == null ? 0 : dueStates[i].held.readAhead(due[i].transaction());
    }
    readAheadSum += sum;
  }

  /**
   * Judges one transaction whose key is the current key.
   *
   * @param known the key's stored value as {@link #readAhead} read it, or null to look it up
   */
  private void judgeInKey(GroupedTransaction grouped, GroupState known, Instant now)
      throws Exception {
    GroupState state = known != null ? known : groups.value();
    CompiledRules.Grouping grouping = groupingOf(grouped.keySpec());
    boolean fresh = state == null;
    if (fresh) {
      if (!grouping.takes(grouped.transaction())) {
        return; // nothing to hold, nor to judge
      }
      state = new GroupState();
    }
    long widest = grouping.widestMillis();
    long oldest = state.held.isEmpty() ? Long.MIN_VALUE : state.held.time(0);
    judge(grouping, grouped.transaction(), state.held, now);
    if (widest == 0) {
      state.held.clear();
    }
    if (state.isEmpty()) {
      if (!fresh) {
        groups.clear();
        droppedInBatch.add(grouped.key());
      }
      return;
    }
    if (state.held.time(0) != oldest) {
      // One eviction timer per key, when the oldest transaction leaves the widest window. A timer
      // set for an older oldest fires early and only sets the next one.
      timers.registerEventTimeTimer(VoidNamespace.INSTANCE, state.held.time(0) + widest);
    }
    long nowMillis = now.toEpochMilli();
    if (fresh || !valuesLive || nowMillis - state.refreshedAt >= TTL_REFRESH_MILLIS) {
      state.refreshedAt = nowMillis;
      groups.update(state);
    }
  }

  private CompiledRules.Grouping groupingOf(String keySpec) {
    if (keySpec != lastKeySpec) { // by identity: an equal spec that is not the instance looks up
      lastGrouping = compiled.grouping(keySpec);
      lastKeySpec = keySpec;
    }
    return lastGrouping;
  }

  /** An eviction timer of the current key. */
  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    GroupState state = groups.value();
    if (state == null) {
      return;
    }
    long timestamp = timer.getTimestamp();
    CompiledRules.Grouping grouping =
        groupingOf(GroupedTransaction.keySpecOf(timer.getKey(), lastKeySpec));
    long widest = grouping.widestMillis();
    // Only state restored from a savepoint of the build that kept waiting transactions in keyed
    // state, with a timer each (this one), has any.
    List<Transaction> due = takeDue(state.pending, timestamp);
    if (!due.isEmpty()) {
      Instant now = Instant.now();
      for (Transaction tx : due) {
        judge(grouping, tx, state.held, now);
      }
    }
    state.held.evictUpTo(widest == 0 ? Long.MAX_VALUE : timestamp - widest);
    if (!state.held.isEmpty()) {
      // Again while anything is left: a rule change may have widened the window since it was set.
      timers.registerEventTimeTimer(VoidNamespace.INSTANCE, state.held.time(0) + widest);
    }
    if (state.isEmpty()) {
      groups.clear();
    } else {
      groups.update(state);
    }
  }

  @Override
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

  /** Removes from {@code pending} the transactions at or before {@code time}, in judging order. */
  private static List<Transaction> takeDue(List<Transaction> pending, long time) {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<Transaction> due = new ArrayList<>(pending.size());
    pending.removeIf(
        tx -> {
          boolean isDue = RuleWindows.time(tx) <= time;
          if (isDue) {
            due.add(tx);
          }
          return isDue;
        });
    due.sort(RuleWindows.JUDGING_ORDER);
    return due;
  }

  /**
   * @param now the alerts' detection time: one per watermark, not a clock read per transaction
   */
  private void judge(
      CompiledRules.Grouping grouping, Transaction tx, HeldTransactions held, Instant now) {
    if (judging == null || judging.workspace().grouping() != grouping) {
      judging = judgingByGrouping.computeIfAbsent(grouping, this::judgingOf);
    }
    NamedRuleEvaluator.aggregates(judging.workspace(), held, tx, rules.version(), now, verdicts);
  }

  /**
   * How one grouping is judged.
   *
   * @param metrics its rules' metrics, by index: by the rule's id, 20 map lookups per transaction
   *     were 6 % of the thread
   */
  private record Judging(RuleMetrics.Of[] metrics, NamedRuleEvaluator.Workspace workspace) {}

  private Judging judgingOf(CompiledRules.Grouping grouping) {
    RuleMetrics.Of[] metrics =
        grouping.rules().stream()
            .map(rule -> ruleMetrics.of(rule.rule().id()))
            .toArray(RuleMetrics.Of[]::new);
    return new Judging(metrics, new NamedRuleEvaluator.Workspace(grouping));
  }

  private void emit(int index, CompiledRules.Compiled rule, FraudAlert alertOrNull) {
    RuleMetrics.Of metrics = judging.metrics()[index];
    metrics.evaluations().inc();
    if (alertOrNull != null) {
      metrics.alerts().inc();
      output.collect(outRecord.replace(alertOrNull, RuleWindows.time(alertOrNull.transaction())));
    }
  }

  /** A rule set from the broadcast input. */
  @Override
  public void processElement2(StreamRecord<byte[]> record) throws Exception {
    AppliedRules.Offer offer = rules.offer(record.getValue());
    if (offer instanceof AppliedRules.Offer.Applied) {
      rules.store(getOperatorStateBackend().getBroadcastState(AppliedRules.STATE));
      CompiledRules next = new CompiledRules(rules.current());
      Map<String, Long> narrowed = narrowedGroupings(compiled, next);
      compiled = next;
      judgingByGrouping.clear();
      judging = null;
      lastKeySpec = null;
      lastGrouping = null;
      if (!narrowed.isEmpty()) {
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        backend.applyToAllKeys(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            GROUPS,
            (key, state) -> {
              Long widest = narrowed.get(GroupedTransaction.keySpecOf(key));
              GroupState group = widest == null ? null : state.value();
              if (group != null && trim(group.held, widest)) {
                if (group.isEmpty()) {
                  state.clear();
                } else {
                  state.update(group);
                }
              }
            });
      }
    } else if (offer instanceof AppliedRules.Offer.Invalid) {
      invalidRuleSets.inc();
    }
  }

  /**
   * Key specs whose widest window the change narrowed, with the new one (0: no rule is keyed by it
   * any more, so its keys hold nothing).
   */
  static Map<String, Long> narrowedGroupings(CompiledRules before, CompiledRules after) {
    Map<String, Long> narrowed = new HashMap<>();
    for (CompiledRules.Compiled rule : before.aggregatesById().values()) {
      String spec = rule.keySpec();
      long now = after.widestWindowMillis(spec);
      if (now < before.widestWindowMillis(spec)) {
        narrowed.put(spec, now);
      }
    }
    return narrowed;
  }

  /** Keeps what a window of {@code widest} ending at the newest transaction holds. */
  private static boolean trim(HeldTransactions held, long widest) {
    if (held.isEmpty()) {
      return false;
    }
    int before = held.size();
    if (widest == 0) {
      held.clear();
    } else {
      held.evictUpTo(held.time(before - 1) - widest);
    }
    return held.size() != before;
  }
}
