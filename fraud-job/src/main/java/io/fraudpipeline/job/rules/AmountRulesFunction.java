package io.fraudpipeline.job.rules;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.serde.TransactionTypeInfo;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges every transaction by the amount rules of the applied rule set (stateless: global and per
 * merchant category thresholds), and forwards it to the velocity rule only while that rule is
 * enabled, so nothing is shuffled by account when it is off.
 */
public final class AmountRulesFunction
    extends BroadcastProcessFunction<Transaction, byte[], FraudAlert>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(AmountRulesFunction.class);

  /** Transactions with an account id, while the velocity rule is enabled. */
  public static final OutputTag<Transaction> VELOCITY_CANDIDATES =
      new OutputTag<>("velocity-candidates", TransactionTypeInfo.INSTANCE);

  private final byte[] initialRulesJson;

  private transient AppliedRules rules;
  private transient Counter alertsOut;
  private transient Counter invalidRuleSets;

  /**
   * @param initialRulesJson the rule set read when the job was submitted, or null for the defaults
   */
  public AmountRulesFunction(byte[] initialRulesJson) {
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
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    alertsOut = metrics.counter(JobMetrics.ALERTS_OUT);
    invalidRuleSets = metrics.counter(JobMetrics.INVALID_RULE_SETS);
    metrics.gauge(JobMetrics.RULES_VERSION_APPLIED, (Gauge<Long>) rules::version);
  }

  @Override
  public void processElement(Transaction tx, ReadOnlyContext ctx, Collector<FraudAlert> out) {
    RuleSet current = rules.current();
    FraudAlert alert = FraudAlert.amountAlertOrNull(tx, current, Instant.now());
    if (alert != null) {
      alertsOut.inc();
      out.collect(alert);
    }
    if (current.velocity().enabled() && tx.accountId() != null) {
      ctx.output(VELOCITY_CANDIDATES, tx);
    }
  }

  @Override
  public void processBroadcastElement(byte[] json, Context ctx, Collector<FraudAlert> out)
      throws Exception {
    AppliedRules.Offer offer = rules.offer(json);
    if (offer instanceof AppliedRules.Offer.Applied applied) {
      rules.store(ctx.getBroadcastState(AppliedRules.STATE));
      if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
        LOG.info("Applying fraud rules version {}", applied.version());
      }
    } else if (offer instanceof AppliedRules.Offer.Invalid invalid) {
      invalidRuleSets.inc();
      if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
        LOG.warn(
            "Ignoring an invalid rule set, keeping version {}: {}",
            rules.version(),
            invalid.reason());
      }
    }
  }
}
