package io.fraudpipeline.job;

import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.job.named.AggregateRulesOperator;
import io.fraudpipeline.job.named.GroupedTransaction;
import io.fraudpipeline.job.parse.ParsedRecord;
import io.fraudpipeline.job.parse.ValidationRouter;
import io.fraudpipeline.job.rules.KafkaRuleSetFeed;
import io.fraudpipeline.job.rules.RuleEvaluationOperator;
import io.fraudpipeline.job.rules.RuleEvaluationOperatorFactory;
import io.fraudpipeline.job.rules.RulesBootstrap;
import io.fraudpipeline.job.serde.TransactionSerializer;
import io.fraudpipeline.job.sink.KafkaSinks;
import io.fraudpipeline.job.source.KafkaSources;
import io.fraudpipeline.job.velocity.VelocityRuleOperator;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fraud-detection job: transactions from Kafka, judged against the live rule set, alerts and
 * rejected records back to Kafka. docs/job.md describes the topology, parameters and metrics.
 *
 * <pre>
 * transactions-source ─ validate-transactions ─ evaluate-rules ─ alerts-sink     (one chained task)
 *                              │                    │    └ follows the rules topic (KafkaRuleSetFeed)
 *                              └ dlq-sink           └ (velocity on) keyBy account ─ velocity-rule ─ velocity-alerts-sink
 *                                                    └ (aggregate rules) keyBy card/merchant/group ─ aggregate-rules ─ aggregate-alerts-sink
 *                                                           rules-source (broadcast) ────┘ (to both keyed rules)
 * </pre>
 */
public final class FraudDetectionJob {

  private static final Logger LOG = LoggerFactory.getLogger(FraudDetectionJob.class);

  private FraudDetectionJob() {}

  public static void main(String[] args) throws Exception {
    FraudJobParameters params = FraudJobParameters.fromArgs(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, params, RulesBootstrap.readLatest(params));
    env.execute(params.jobName());
  }

  /**
   * Adds the job's operators to {@code env} and configures checkpointing.
   *
   * @param initialRulesJson the rule set to start from (see {@link RulesBootstrap}), or null for
   *     the built-in defaults
   */
  public static void build(
      StreamExecutionEnvironment env, FraudJobParameters params, byte[] initialRulesJson) {
    if (params
            .transactionTimeout()
            .compareTo(FraudJobParameters.BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT)
        > 0) {
      LOG.warn(
          "--{} {} ms exceeds the broker default transaction.max.timeout.ms (15 min);"
              + " make sure the brokers allow it",
          FraudJobParameters.TRANSACTION_TIMEOUT,
          params.transactionTimeout().toMillis());
    }
    // Records are immutable, so chained operators can pass them on without a defensive copy.
    env.getConfig().enableObjectReuse();
    // Records wait in a network buffer until it fills or this timeout flushes it; Flink's default
    // (100 ms) would dominate the end-to-end latency at moderate rates.
    env.setBufferTimeout(params.bufferTimeout().toMillis());
    env.enableCheckpointing(
        params.checkpointInterval().toMillis(),
        params.exactlyOnce() ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);

    DataStream<ParsedRecord> parsed =
        env.fromSource(
                KafkaSources.transactions(params),
                KafkaSources.transactionWatermarks(params),
                Operators.TRANSACTIONS_SOURCE)
            .uid(Operators.TRANSACTIONS_SOURCE)
            .name(Operators.TRANSACTIONS_SOURCE);

    DataStream<byte[]> ruleSets =
        env.fromSource(
                KafkaSources.rules(params),
                KafkaSources.rulesWatermarks(),
                Operators.RULES_SOURCE,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
            .uid(Operators.RULES_SOURCE)
            .name(Operators.RULES_SOURCE)
            // One partition, one key: more readers would only sit idle.
            .setParallelism(1);
    // Only the keyed rules (velocity, aggregates) take it: they sit behind a keyBy hop anyway, so a
    // broadcast input costs them nothing and keeps rule changes in step with their keyed state (a
    // deleted rule's state is cleared on every key at once).
    DataStream<byte[]> rules = ruleSets.broadcast();

    SingleOutputStreamOperator<Transaction> valid =
        parsed
            .process(new ValidationRouter(), TransactionSerializer.TYPE)
            .uid(Operators.VALIDATE)
            .name(Operators.VALIDATE);

    DataStream<DeadLetter> deadLetters = valid.getSideOutput(ValidationRouter.DEAD_LETTERS);
    deadLetters
        .sinkTo(KafkaSinks.deadLetters(params))
        .uid(Operators.DLQ_SINK)
        .name(Operators.DLQ_SINK);

    // One input, so the whole main path runs chained in one task per subtask: each subtask follows
    // the rules topic itself (see RuleEvaluationOperator) instead of a broadcast input.
    SingleOutputStreamOperator<FraudAlert> amountAlerts =
        valid
            .transform(
                Operators.EVALUATE_RULES,
                TypeInformation.of(FraudAlert.class),
                new RuleEvaluationOperatorFactory(initialRulesJson, new KafkaRuleSetFeed(params)))
            .uid(Operators.EVALUATE_RULES)
            .name(Operators.EVALUATE_RULES);
    amountAlerts
        .sinkTo(KafkaSinks.alerts(params))
        .uid(Operators.ALERTS_SINK)
        .name(Operators.ALERTS_SINK);

    amountAlerts
        .getSideOutput(RuleEvaluationOperator.VELOCITY_CANDIDATES)
        .keyBy(Transaction::accountId, Types.STRING)
        .connect(rules)
        .transform(
            Operators.VELOCITY_RULE,
            TypeInformation.of(FraudAlert.class),
            new VelocityRuleOperator(initialRulesJson))
        .uid(Operators.VELOCITY_RULE)
        .name(Operators.VELOCITY_RULE)
        .sinkTo(KafkaSinks.velocityAlerts(params))
        .uid(Operators.VELOCITY_ALERTS_SINK)
        .name(Operators.VELOCITY_ALERTS_SINK);

    // Aggregate named rules: keyed by card (every rule grouping by account_id), else by merchant,
    // else by the whole group_by (CompiledRules.keyFields), so a transaction crosses the network
    // once per distinct key while such rules exist; their own sink keeps the main path chained.
    amountAlerts
        .getSideOutput(RuleEvaluationOperator.AGGREGATE_CANDIDATES)
        .keyBy(GroupedTransaction::key, GroupedTransaction.KEY_TYPE)
        .connect(rules)
        .transform(
            Operators.AGGREGATE_RULES,
            TypeInformation.of(FraudAlert.class),
            new AggregateRulesOperator(initialRulesJson))
        .uid(Operators.AGGREGATE_RULES_UID)
        .name(Operators.AGGREGATE_RULES)
        .sinkTo(KafkaSinks.aggregateAlerts(params))
        .uid(Operators.AGGREGATE_ALERTS_SINK)
        .name(Operators.AGGREGATE_ALERTS_SINK);
  }
}
