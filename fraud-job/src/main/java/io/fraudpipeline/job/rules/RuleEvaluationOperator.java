package io.fraudpipeline.job.rules;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.named.CompiledRules;
import io.fraudpipeline.job.named.GroupedTransaction;
import io.fraudpipeline.job.named.NamedRuleEvaluator;
import io.fraudpipeline.job.named.RuleMetrics;
import io.fraudpipeline.job.serde.TransactionTypeInfo;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code evaluate-rules}: judges every transaction by the amount rules of the applied rule set
 * (stateless: global and per merchant category thresholds) and by its named threshold rules (also
 * stateless; shadow ones too, their alerts go to the shadow topic), and forwards it to the velocity
 * rule only while that rule is enabled and to the aggregate rules only while there are some, so
 * nothing is shuffled when they are off.
 *
 * <p>Rule sets come from a {@link RuleSetFeed} that every subtask follows itself, not from a
 * broadcast input: an operator with a second input never chains to its source, so every transaction
 * would cross a serialized hop to another thread, which cost a third of the job's throughput at
 * parallelism 2 (docs/job.md). The feed's thread hands each rule set to the task's mailbox, so it
 * is applied on the task thread, between two records, and the gauge moves even when no transactions
 * flow. The applied rules are kept in operator broadcast state under {@link AppliedRules#STATE}, as
 * the broadcast function this replaces kept them, so its savepoints restore.
 */
public final class RuleEvaluationOperator extends AbstractStreamOperator<FraudAlert>
    implements OneInputStreamOperator<Transaction, FraudAlert> {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluationOperator.class);

  /**
   * Transactions once per distinct {@code group_by} of the evaluated aggregate named rules, keyed
   * by group; nothing while there are none, so the default rule set shuffles nothing.
   */
  public static final OutputTag<GroupedTransaction> AGGREGATE_CANDIDATES =
      new OutputTag<>("aggregate-candidates", GroupedTransaction.TYPE);

  /** Transactions with an account id, while the velocity rule is enabled. */
  public static final OutputTag<Transaction> VELOCITY_CANDIDATES =
      new OutputTag<>("velocity-candidates", TransactionTypeInfo.INSTANCE);

  private final byte[] initialRulesJson;
  private final RuleSetFeed feed;
  private final transient MailboxExecutor mailbox;

  private transient AppliedRules rules;
  private transient CompiledRules compiled;
  private transient RuleMetrics ruleMetrics;
  private transient AutoCloseable following;
  private transient Counter alertsOut;
  private transient Counter invalidRuleSets;

  RuleEvaluationOperator(
      StreamOperatorParameters<FraudAlert> parameters, byte[] initialRulesJson, RuleSetFeed feed) {
    super(parameters);
    this.initialRulesJson = initialRulesJson;
    this.feed = feed;
    this.mailbox = parameters.getMailboxExecutor();
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    rules = AppliedRules.restore(initialRulesJson, context);
    compiled = new CompiledRules(rules.current());
  }

  @Override
  public void open() throws Exception {
    super.open();
    MetricGroup metrics = getMetricGroup();
    alertsOut = metrics.counter(JobMetrics.ALERTS_OUT);
    invalidRuleSets = metrics.counter(JobMetrics.INVALID_RULE_SETS);
    ruleMetrics = new RuleMetrics(metrics);
    metrics.gauge(JobMetrics.RULES_VERSION_APPLIED, (Gauge<Long>) rules::version);
    following =
        feed.follow(
            "rules feed of " + getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(),
            new RuleSetFeed.Listener() {
              @Override
              public void ruleSet(byte[] json) {
                toTaskThread(() -> apply(json), "apply a rule set");
              }

              @Override
              public void failed(Throwable error) {
                toTaskThread(
                    () -> {
                      throw new FlinkRuntimeException("The rules feed stopped", error);
                    },
                    "fail: the rules feed stopped");
              }
            });
  }

  private void toTaskThread(ThrowingRunnable<? extends Exception> action, String description) {
    try {
      mailbox.execute(action, description);
    } catch (RejectedExecutionException e) {
      // The task is shutting down; nothing is lost, the feed is replayed from the start next time.
    }
  }

  @Override
  public void processElement(StreamRecord<Transaction> element) {
    Transaction tx = element.getValue();
    RuleSet current = rules.current();
    FraudAlert alert = FraudAlert.amountAlertOrNull(tx, current, Instant.now());
    if (alert != null) {
      alertsOut.inc();
      // replace() keeps the event timestamp, as Flink's own operators do.
      output.collect(element.replace(alert));
    }
    if (current.velocity().enabled() && tx.accountId() != null) {
      output.collect(VELOCITY_CANDIDATES, element.replace(tx));
    }
    if (!compiled.thresholds().isEmpty()) {
      evaluateThresholds(element, tx);
    }
    if (compiled.hasAggregates()) {
      for (GroupedTransaction grouped : compiled.groupings(tx)) {
        output.collect(AGGREGATE_CANDIDATES, new StreamRecord<>(grouped, element.getTimestamp()));
      }
    }
  }

  private void evaluateThresholds(StreamRecord<Transaction> element, Transaction tx) {
    Instant now = Instant.now();
    for (CompiledRules.Compiled rule : compiled.thresholds()) {
      if (!rule.matches(tx)) {
        continue;
      }
      RuleMetrics.Of metrics = ruleMetrics.of(rule.rule().id());
      metrics.evaluations().inc();
      FraudAlert alert = NamedRuleEvaluator.threshold(rule, tx, rules.version(), now);
      if (alert != null) {
        metrics.alerts().inc();
        alertsOut.inc();
        output.collect(new StreamRecord<>(alert, element.getTimestamp()));
      }
    }
  }

  /** Considers a rule set from the feed; runs on the task thread. */
  void apply(byte[] json) throws Exception {
    AppliedRules.Offer offer = rules.offer(json);
    boolean logs = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    if (offer instanceof AppliedRules.Offer.Applied applied) {
      rules.store(getOperatorStateBackend().getBroadcastState(AppliedRules.STATE));
      compiled = new CompiledRules(rules.current());
      if (logs) {
        LOG.info("Applying fraud rules version {}", applied.version());
      }
    } else if (offer instanceof AppliedRules.Offer.Invalid invalid) {
      invalidRuleSets.inc();
      if (logs) {
        LOG.warn(
            "Ignoring an invalid rule set, keeping version {}: {}",
            rules.version(),
            invalid.reason());
      }
    }
  }

  @Override
  public void close() throws Exception {
    if (following != null) {
      following.close();
    }
    super.close();
  }
}
