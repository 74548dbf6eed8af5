package io.fraudpipeline.job.velocity;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.late.LateTransactions;
import io.fraudpipeline.job.rules.AppliedRules;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.VelocityRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
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
 * {@code velocity-rule}: keyed by account, more than N transactions within a sliding event-time
 * window raise an alert on the transaction that crossed the limit; the rule sets arrive on the
 * second, broadcast input.
 *
 * <p>Transactions are buffered until the watermark passes their event time and then judged in
 * event-time order, so the outcome does not depend on the order they arrived in (within the
 * source's out-of-orderness bound). A transaction behind the watermark is judged at the next one
 * against what the account's window still holds (counted and logged by {@link LateTransactions},
 * also behind the watermark of the checkpoint the state was restored from); earlier judgements are
 * not revisited.
 *
 * <p>An operator of the job's own rather than a {@code KeyedBroadcastProcessFunction}: a function
 * cannot read the watermark when a checkpoint is taken, which {@link LateTransactions} needs. It
 * keeps that function's keyed state, timer and broadcast state names and types, so savepoints of
 * builds that ran it restore here.
 */
public final class VelocityRuleOperator extends AbstractStreamOperator<FraudAlert>
    implements TwoInputStreamOperator<Transaction, byte[], FraudAlert>,
        Triggerable<String, VoidNamespace> {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(VelocityRuleOperator.class);

  /** The timer service's name: that of Flink's keyed broadcast operator, which ran it before. */
  private static final String TIMERS = "user-timers";

  private final byte[] initialRulesJson;

  private transient AppliedRules rules;
  private transient LateTransactions late;
  private transient MapState<Long, List<Transaction>> pending;
  private transient ValueState<long[]> window;
  private transient InternalTimerService<VoidNamespace> timers;
  private transient StreamRecord<FraudAlert> outRecord;
  private transient Counter alertsOut;
  private transient Counter invalidRuleSets;

  /**
   * @param initialRulesJson the rule set read when the job was submitted, or null for the defaults
   */
  public VelocityRuleOperator(byte[] initialRulesJson) {
    this.initialRulesJson = initialRulesJson;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    rules = AppliedRules.restore(initialRulesJson, context);
    late =
        new LateTransactions(
            context,
            LOG,
            "each is judged against what its account's window still holds, so its count may miss"
                + " transactions that newer ones evicted");
  }

  @Override
  public void open() throws Exception {
    super.open();
    // As the function declared them, through the runtime context: the same state, serializers and
    // all. A descriptor per instance, as it keeps the serializer it is first given.
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
    timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
    outRecord = new StreamRecord<>(null);
    MetricGroup metrics = getMetricGroup();
    alertsOut = metrics.counter(JobMetrics.ALERTS_OUT);
    invalidRuleSets = metrics.counter(JobMetrics.INVALID_RULE_SETS);
    late.open(metrics);
    metrics.gauge(JobMetrics.RULES_VERSION_APPLIED, (Gauge<Long>) rules::version);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    late.snapshot(timers.currentWatermark());
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    late.advance(mark.getTimestamp());
    super.processWatermark(mark);
  }

  @Override
  public void processElement1(StreamRecord<Transaction> record) throws Exception {
    Transaction tx = record.getValue();
    long eventTime = tx.timestamp().toEpochMilli();
    long lateUpTo = late.lateUpTo(timers.currentWatermark());
    if (eventTime <= lateUpTo) {
      late.count(tx.transactionId(), eventTime, lateUpTo);
    }
    List<Transaction> atTime = pending.get(eventTime);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
    }
    atTime.add(tx);
    pending.put(eventTime, atTime);
    // A timer at or behind the watermark fires with the next watermark.
    timers.registerEventTimeTimer(VoidNamespace.INSTANCE, eventTime);
  }

  /** {@link JobMetrics#LATE_TRANSACTIONS}, for tests. */
  long lateTransactionCount() {
    return late.count();
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    long timestamp = timer.getTimestamp();
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
          output.collect(
              outRecord.replace(FraudAlert.velocityAlert(tx, current, count, now), timestamp));
        }
      }
      // Forget this account once its window has slid past the newest transaction.
      timers.registerEventTimeTimer(VoidNamespace.INSTANCE, timestamp + windowMillis);
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
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

  /** A rule set from the broadcast input. */
  @Override
  public void processElement2(StreamRecord<byte[]> record) throws Exception {
    AppliedRules.Offer offer = rules.offer(record.getValue());
    if (offer instanceof AppliedRules.Offer.Applied) {
      rules.store(getOperatorStateBackend().getBroadcastState(AppliedRules.STATE));
    } else if (offer instanceof AppliedRules.Offer.Invalid) {
      invalidRuleSets.inc();
    }
  }
}
