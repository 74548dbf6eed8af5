package io.fraudpipeline.job.named;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.rules.AppliedRules;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@code aggregate-rules}: the aggregate named rules, keyed by group ({@link
 * GroupedTransaction#key()}), in event time. Everything a group holds is one {@link GroupState}
 * value; the evaluation itself is {@link NamedRuleEvaluator}'s.
 *
 * <p>As the velocity rule does, transactions wait until the watermark passes them and are then
 * judged in event-time order (ties by transaction id), so the result does not depend on arrival
 * order within the source's out-of-orderness bound; a late one is judged at the next watermark
 * against what the window still holds.
 *
 * <p>State stays bounded: each judgement evicts what lies before its window, a timer one window
 * after the newest transaction evicts the rest (and sets the next one while anything is left, so a
 * window a rule change widened is still evicted), a rule deleted, paused or redefined has its
 * entries dropped from every group at once, and a TTL drops a group untouched for {@link
 * #STATE_TTL} in case anything escaped all that.
 */
public final class AggregateRuleFunction
    extends KeyedBroadcastProcessFunction<String, GroupedTransaction, byte[], FraudAlert>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  /** Processing time after which an untouched group is dropped: twice the widest window. */
  public static final Duration STATE_TTL = NamedRule.MAX_WINDOW.multipliedBy(2);

  static final ValueStateDescriptor<GroupState> GROUPS = groupsDescriptor();

  private static final Comparator<Transaction> JUDGING_ORDER =
      Comparator.comparingLong((Transaction tx) -> tx.timestamp().toEpochMilli())
          .thenComparing(Transaction::transactionId);

  private final byte[] initialRulesJson;

  private transient AppliedRules rules;
  private transient CompiledRules compiled;
  private transient ValueState<GroupState> groups;
  private transient RuleMetrics ruleMetrics;
  private transient Counter invalidRuleSets;
  private transient Counter lateTransactions;

  /**
   * @param initialRulesJson the rule set read when the job was submitted, or null for the defaults
   */
  public AggregateRuleFunction(byte[] initialRulesJson) {
    this.initialRulesJson = initialRulesJson;
  }

  private static ValueStateDescriptor<GroupState> groupsDescriptor() {
    ValueStateDescriptor<GroupState> descriptor =
        new ValueStateDescriptor<>("group-windows", GroupStateSerializer.INSTANCE);
    // No cleanup in the background: on the heap backend it visits (and copies) a few other groups'
    // state on every state access, which cost about 80 % of this operator's time in the
    // benchmark's profile. The timers evict every window; expired state is dropped when read and
    // left out of every snapshot.
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(STATE_TTL)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .disableCleanupInBackground()
            .cleanupFullSnapshot()
            .build());
    return descriptor;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    rules = AppliedRules.restore(initialRulesJson, context);
    compiled = new CompiledRules(rules.current());
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    // The broadcast state is written whenever the rules change.
  }

  @Override
  public void open(OpenContext openContext) {
    groups = getRuntimeContext().getState(GROUPS);
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    ruleMetrics = new RuleMetrics(metrics);
    invalidRuleSets = metrics.counter(JobMetrics.INVALID_RULE_SETS);
    lateTransactions = metrics.counter(JobMetrics.LATE_TRANSACTIONS);
    metrics.gauge(JobMetrics.RULES_VERSION_APPLIED, (Gauge<Long>) rules::version);
  }

  @Override
  public void processElement(
      GroupedTransaction grouped, ReadOnlyContext ctx, Collector<FraudAlert> out) throws Exception {
    long eventTime = grouped.transaction().timestamp().toEpochMilli();
    if (eventTime <= ctx.timerService().currentWatermark()) {
      lateTransactions.inc();
    }
    GroupState state = groups.value();
    if (state == null) {
      state = new GroupState();
    }
    state.pending.add(grouped.transaction());
    groups.update(state);
    // A timer at or behind the watermark fires with the next watermark.
    ctx.timerService().registerEventTimeTimer(eventTime);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FraudAlert> out)
      throws Exception {
    GroupState state = groups.value();
    if (state == null) {
      return;
    }
    List<Transaction> due = takeDue(state.pending, timestamp);
    if (!due.isEmpty()) {
      judge(GroupedTransaction.groupByOf(ctx.getCurrentKey()), due, state, out);
    }
    // Evicts this group's windows once the widest has slid past its newest transaction.
    long next = evictUpTo(state, timestamp);
    if (next > timestamp) {
      ctx.timerService().registerEventTimeTimer(next);
    }
    if (state.isEmpty()) {
      groups.clear();
    } else {
      groups.update(state);
    }
  }

  /** Removes from {@code pending} the transactions at or before {@code time}, in judging order. */
  private static List<Transaction> takeDue(List<Transaction> pending, long time) {
    List<Transaction> due = new ArrayList<>(pending.size());
    pending.removeIf(
        tx -> {
          boolean isDue = tx.timestamp().toEpochMilli() <= time;
          if (isDue) {
            due.add(tx);
          }
          return isDue;
        });
    due.sort(JUDGING_ORDER);
    return due;
  }

  private void judge(
      String groupBy, List<Transaction> due, GroupState state, Collector<FraudAlert> out) {
    List<CompiledRules.Compiled> applicable = compiled.aggregates(groupBy);
    if (applicable.isEmpty()) {
      return;
    }
    long version = rules.version();
    Instant now = Instant.now();
    for (CompiledRules.Compiled rule : applicable) {
      String id = rule.rule().id();
      List<WindowEntry> window = state.windows.computeIfAbsent(id, unused -> new ArrayList<>());
      RuleMetrics.Of metrics = ruleMetrics.of(id);
      for (Transaction tx : due) {
        NamedRuleEvaluator.Judgement judgement =
            NamedRuleEvaluator.aggregate(rule, window, tx, version, now);
        if (judgement.judged()) {
          metrics.evaluations().inc();
        }
        if (judgement.alertOrNull() != null) {
          metrics.alerts().inc();
          out.collect(judgement.alertOrNull());
        }
      }
      if (window.isEmpty()) {
        state.windows.remove(id);
      }
    }
  }

  /**
   * Drops every entry of the group that no window ending at or after {@code time} holds, and the
   * windows of rules no longer evaluated.
   *
   * @return when the newest entry left slides out of its rule's window, or {@link Long#MIN_VALUE}
   *     when nothing is left
   */
  private long evictUpTo(GroupState state, long time) {
    Map<String, CompiledRules.Compiled> live = compiled.aggregatesById();
    long next = Long.MIN_VALUE;
    var windows = state.windows.entrySet().iterator();
    while (windows.hasNext()) {
      Map.Entry<String, List<WindowEntry>> e = windows.next();
      CompiledRules.Compiled rule = live.get(e.getKey());
      List<WindowEntry> entries = e.getValue();
      if (rule != null) {
        RuleWindows.evictUpTo(entries, time - rule.windowMillis());
      }
      if (rule == null || entries.isEmpty()) {
        windows.remove();
        continue;
      }
      next = Math.max(next, entries.get(entries.size() - 1).time() + rule.windowMillis());
    }
    return next;
  }

  @Override
  public void processBroadcastElement(byte[] json, Context ctx, Collector<FraudAlert> out)
      throws Exception {
    AppliedRules.Offer offer = rules.offer(json);
    if (offer instanceof AppliedRules.Offer.Applied) {
      rules.store(ctx.getBroadcastState(AppliedRules.STATE));
      CompiledRules next = new CompiledRules(rules.current());
      Set<String> dropped = droppedRules(compiled, next);
      compiled = next;
      if (!dropped.isEmpty()) {
        ctx.applyToKeyedState(
            GROUPS,
            (key, state) -> {
              GroupState group = state.value();
              if (group != null && group.windows.keySet().removeAll(dropped)) {
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
   * Rules whose windows no longer mean anything: deleted, paused, or changed in what their entries
   * hold or which transactions they hold (kind, field, function, filter, group). A changed limit,
   * operator, window, name or active/shadow keeps them.
   */
  static Set<String> droppedRules(CompiledRules before, CompiledRules after) {
    Map<String, CompiledRules.Compiled> next = after.aggregatesById();
    Set<String> dropped = new HashSet<>();
    for (Map.Entry<String, CompiledRules.Compiled> e : before.aggregatesById().entrySet()) {
      CompiledRules.Compiled now = next.get(e.getKey());
      if (now == null || !sameEntries(e.getValue().rule(), now.rule())) {
        dropped.add(e.getKey());
      }
    }
    return dropped;
  }

  private static boolean sameEntries(NamedRule a, NamedRule b) {
    return Objects.equals(a.kind(), b.kind())
        && Objects.equals(a.field(), b.field())
        && Objects.equals(a.function(), b.function())
        && Objects.equals(a.filter(), b.filter())
        && Objects.equals(a.groupBy(), b.groupBy());
  }
}
