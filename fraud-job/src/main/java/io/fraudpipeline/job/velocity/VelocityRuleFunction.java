package io.fraudpipeline.job.velocity;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.rules.AppliedRules;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.VelocityRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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
 * The velocity rule, keyed by account: more than N transactions within a sliding event-time window
 * raise an alert on the transaction that crossed the limit.
 *
 * <p>Transactions are buffered until the watermark passes their event time and then judged in
 * event-time order, so the outcome does not depend on the order they arrived in (within the
 * source's out-of-orderness bound). A transaction behind the watermark is judged at once against
 * what the account's window still holds; earlier judgements are not revisited.
 */
public final class VelocityRuleFunction
    extends KeyedBroadcastProcessFunction<String, Transaction, byte[], FraudAlert>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  private final byte[] initialRulesJson;

  private transient AppliedRules rules;
  private transient MapState<Long, List<Transaction>> pending;
  private transient ValueState<long[]> window;
  private transient Counter alertsOut;
  private transient Counter invalidRuleSets;
  private transient Counter lateTransactions;

  /**
   * @param initialRulesJson the rule set read when the job was submitted, or null for the defaults
   */
  public VelocityRuleFunction(byte[] initialRulesJson) {
    this.initialRulesJson = initialRulesJson;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    rules = AppliedRules.restore(initialRulesJson, context);
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
                    Types.LIST(TypeInformation.of(Transaction.class))));
    window =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "event-times-in-window",
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    alertsOut = metrics.counter(JobMetrics.ALERTS_OUT);
    invalidRuleSets = metrics.counter(JobMetrics.INVALID_RULE_SETS);
    lateTransactions = metrics.counter(JobMetrics.LATE_TRANSACTIONS);
    metrics.gauge(JobMetrics.RULES_VERSION_APPLIED, (Gauge<Long>) rules::version);
  }

  @Override
  public void processElement(Transaction tx, ReadOnlyContext ctx, Collector<FraudAlert> out)
      throws Exception {
    long eventTime = tx.timestamp().toEpochMilli();
    if (eventTime <= ctx.timerService().currentWatermark()) {
      lateTransactions.inc();
    }
    List<Transaction> atTime = pending.get(eventTime);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
    }
    atTime.add(tx);
    pending.put(eventTime, atTime);
    // A timer at or behind the watermark fires with the next watermark.
    ctx.timerService().registerEventTimeTimer(eventTime);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FraudAlert> out)
      throws Exception {
    RuleSet current = rules.current();
    VelocityRule rule = current.velocity();
    if (!rule.enabled()) {
      pending.clear();
      window.clear();
      return;
    }
    long windowMillis = rule.windowSeconds() * 1000;
    long[] times = window.value();
    if (times == null) {
      times = new long[0];
    }
    List<Transaction> due = pending.get(timestamp);
    if (due != null) {
      pending.remove(timestamp);
      Instant now = Instant.now();
      for (Transaction tx : due) {
        times = EventTimes.insert(times, timestamp);
        int count = EventTimes.countInWindow(times, timestamp, windowMillis);
        if (count > rule.maxTransactions()) {
          alertsOut.inc();
          out.collect(FraudAlert.velocityAlert(tx, current, count, now));
        }
      }
      // Forget this account once its window has slid past the newest transaction.
      ctx.timerService().registerEventTimeTimer(timestamp + windowMillis);
    }
    if (times.length > 0) {
      times = EventTimes.dropUpTo(times, times[times.length - 1] - windowMillis);
      times = EventTimes.dropUpTo(times, timestamp - windowMillis);
    }
    if (times.length == 0) {
      window.clear();
    } else {
      window.update(times);
    }
  }

  @Override
  public void processBroadcastElement(byte[] json, Context ctx, Collector<FraudAlert> out)
      throws Exception {
    AppliedRules.Offer offer = rules.offer(json);
    if (offer instanceof AppliedRules.Offer.Applied) {
      rules.store(ctx.getBroadcastState(AppliedRules.STATE));
    } else if (offer instanceof AppliedRules.Offer.Invalid) {
      invalidRuleSets.inc();
    }
  }
}
