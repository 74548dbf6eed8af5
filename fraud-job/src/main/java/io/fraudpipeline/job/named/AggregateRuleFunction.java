package io.fraudpipeline.job.named;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.rules.AppliedRules;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.NamedRule;
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
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
 * GroupedTransaction#key()}), in event time. Per group, each rule's window lives in one map entry
 * (rule id → entries); the evaluation itself is {@link NamedRuleEvaluator}'s.
 *
 * <p>As the velocity rule does, transactions wait until the watermark passes them and are then
 * judged in event-time order (ties by transaction id), so the result does not depend on arrival
 * order within the source's out-of-orderness bound; a late one is judged at the next watermark
 * against what the window still holds.
 *
 * <p>State stays bounded: each judgement evicts what lies before its window, a timer one window
 * after the newest transaction evicts the rest, a rule deleted, paused or redefined has its entries
 * dropped from every group at once, and a TTL drops a group untouched for {@link #STATE_TTL} in
 * case anything escaped all that.
 */
public final class AggregateRuleFunction
    extends KeyedBroadcastProcessFunction<String, GroupedTransaction, byte[], FraudAlert>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  /** Processing time after which an untouched window is dropped: twice the widest window. */
  public static final Duration STATE_TTL = NamedRule.MAX_WINDOW.multipliedBy(2);

  static final MapStateDescriptor<String, List<WindowEntry>> WINDOWS = windowsDescriptor();

  private final byte[] initialRulesJson;

  private transient AppliedRules rules;
  private transient CompiledRules compiled;
  private transient MapState<Long, List<GroupedTransaction>> pending;
  private transient MapState<String, List<WindowEntry>> windows;
  private transient RuleMetrics ruleMetrics;
  private transient Counter invalidRuleSets;
  private transient Counter lateTransactions;

  /**
   * @param initialRulesJson the rule set read when the job was submitted, or null for the defaults
   */
  public AggregateRuleFunction(byte[] initialRulesJson) {
    this.initialRulesJson = initialRulesJson;
  }

  private static MapStateDescriptor<String, List<WindowEntry>> windowsDescriptor() {
    MapStateDescriptor<String, List<WindowEntry>> descriptor =
        new MapStateDescriptor<>(
            "rule-windows", Types.STRING, Types.LIST(TypeInformation.of(WindowEntry.class)));
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(STATE_TTL)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
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
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending-by-event-time",
                    Types.LONG,
                    Types.LIST(TypeInformation.of(GroupedTransaction.class))));
    windows = getRuntimeContext().getMapState(WINDOWS);
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
    List<GroupedTransaction> atTime = pending.get(eventTime);
    List<GroupedTransaction> updated = new ArrayList<>(atTime == null ? 1 : atTime.size() + 1);
    if (atTime != null) {
      updated.addAll(atTime);
    }
    updated.add(grouped);
    pending.put(eventTime, updated);
    // A timer at or behind the watermark fires with the next watermark.
    ctx.timerService().registerEventTimeTimer(eventTime);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FraudAlert> out)
      throws Exception {
    List<GroupedTransaction> due = pending.get(timestamp);
    if (due != null) {
      pending.remove(timestamp);
      judge(due, ctx, out);
    }
    evictUpTo(timestamp);
  }

  private void judge(List<GroupedTransaction> due, OnTimerContext ctx, Collector<FraudAlert> out)
      throws Exception {
    List<GroupedTransaction> ordered = new ArrayList<>(due);
    ordered.sort(Comparator.comparing(g -> g.transaction().transactionId()));
    List<CompiledRules.Compiled> applicable = compiled.aggregates(ordered.get(0).groupBy());
    if (applicable.isEmpty()) {
      return;
    }
    long version = rules.version();
    Instant now = Instant.now();
    long widest = 0;
    for (CompiledRules.Compiled rule : applicable) {
      String id = rule.rule().id();
      List<WindowEntry> window = windows.get(id);
      List<WindowEntry> before = window == null ? List.of() : window;
      List<WindowEntry> current = before;
      RuleMetrics.Of metrics = ruleMetrics.of(id);
      for (GroupedTransaction g : ordered) {
        NamedRuleEvaluator.Judgement judgement =
            NamedRuleEvaluator.aggregate(rule, current, g.transaction(), version, now);
        if (judgement.judged()) {
          metrics.evaluations().inc();
        }
        current = judgement.window();
        if (judgement.alertOrNull() != null) {
          metrics.alerts().inc();
          out.collect(judgement.alertOrNull());
        }
      }
      if (current != before) {
        windows.put(id, current);
        widest = Math.max(widest, rule.windowMillis());
      }
    }
    if (widest > 0) {
      // Evicts this group's windows once the widest has slid past these transactions.
      ctx.timerService().registerEventTimeTimer(ctx.timestamp() + widest);
    }
  }

  /** Drops every entry of this group that no window ending at or after {@code time} holds. */
  private void evictUpTo(long time) throws Exception {
    Map<String, CompiledRules.Compiled> live = compiled.aggregatesById();
    List<String> empty = new ArrayList<>();
    for (Map.Entry<String, List<WindowEntry>> e : windows.entries()) {
      CompiledRules.Compiled rule = live.get(e.getKey());
      if (rule == null) {
        empty.add(e.getKey());
        continue;
      }
      List<WindowEntry> kept = RuleWindows.evictUpTo(e.getValue(), time - rule.windowMillis());
      if (kept.isEmpty()) {
        empty.add(e.getKey());
      } else if (kept != e.getValue()) {
        windows.put(e.getKey(), kept);
      }
    }
    for (String id : empty) {
      windows.remove(id);
    }
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
            WINDOWS,
            (key, state) -> {
              for (String id : dropped) {
                state.remove(id);
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
