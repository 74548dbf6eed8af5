package io.fraudpipeline.job.named;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.rules.AppliedRules;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code aggregate-rules}: the aggregate named rules, keyed by card, merchant or group ({@link
 * GroupedTransaction#key()}), in event time. Everything a key holds is one {@link GroupState}
 * value; the evaluation itself is {@link NamedRuleEvaluator}'s.
 *
 * <p>As the velocity rule does, transactions wait until the watermark passes them and are then
 * judged in event-time order (ties by transaction id), so the result does not depend on arrival
 * order within the source's out-of-orderness bound; a late one is judged at the next watermark
 * against what the window still holds.
 *
 * <p>State stays bounded: a key holds its transactions for the widest window of its rules. Each
 * judgement evicts what lies before it, a timer evicts the oldest when the widest window has slid
 * past it (and sets the next one while anything is left), a rule change that narrows or removes a
 * key's widest window trims or drops its state at once, and a TTL drops a key untouched for {@link
 * #STATE_TTL} in case anything escaped all that.
 */
public final class AggregateRuleFunction
    extends KeyedBroadcastProcessFunction<String, GroupedTransaction, byte[], FraudAlert>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  /** Processing time after which an untouched key is dropped: twice the widest window. */
  public static final Duration STATE_TTL = NamedRule.MAX_WINDOW.multipliedBy(2);

  static final ValueStateDescriptor<GroupState> GROUPS = groupsDescriptor();

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
    String keySpec = GroupedTransaction.keySpecOf(ctx.getCurrentKey());
    long widest = compiled.widestWindowMillis(keySpec);
    List<Transaction> due = takeDue(state.pending, timestamp);
    if (!due.isEmpty()) {
      judge(keySpec, widest, due, state.held, out);
    }
    state.held.evictUpTo(widest == 0 ? Long.MAX_VALUE : timestamp - widest);
    if (!state.held.isEmpty()) {
      // One eviction timer per key, when the oldest transaction leaves the widest window: not
      // one per transaction, which every checkpoint would write and the timer queue would sort.
      ctx.timerService().registerEventTimeTimer(state.held.time(0) + widest);
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
          boolean isDue = RuleWindows.time(tx) <= time;
          if (isDue) {
            due.add(tx);
          }
          return isDue;
        });
    due.sort(RuleWindows.JUDGING_ORDER);
    return due;
  }

  private void judge(
      String keySpec,
      long widest,
      List<Transaction> due,
      HeldTransactions held,
      Collector<FraudAlert> out) {
    List<CompiledRules.Compiled> applicable = compiled.aggregates(keySpec);
    if (applicable.isEmpty()) {
      return;
    }
    long version = rules.version();
    Instant now = Instant.now();
    for (Transaction tx : due) {
      for (NamedRuleEvaluator.Judgement judgement :
          NamedRuleEvaluator.aggregates(applicable, widest, held, tx, version, now)) {
        if (!judgement.judged()) {
          continue;
        }
        RuleMetrics.Of metrics = ruleMetrics.of(judgement.rule().rule().id());
        metrics.evaluations().inc();
        if (judgement.alertOrNull() != null) {
          metrics.alerts().inc();
          out.collect(judgement.alertOrNull());
        }
      }
    }
  }

  @Override
  public void processBroadcastElement(byte[] json, Context ctx, Collector<FraudAlert> out)
      throws Exception {
    AppliedRules.Offer offer = rules.offer(json);
    if (offer instanceof AppliedRules.Offer.Applied) {
      rules.store(ctx.getBroadcastState(AppliedRules.STATE));
      CompiledRules next = new CompiledRules(rules.current());
      Map<String, Long> narrowed = narrowedGroupings(compiled, next);
      compiled = next;
      if (!narrowed.isEmpty()) {
        ctx.applyToKeyedState(
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
