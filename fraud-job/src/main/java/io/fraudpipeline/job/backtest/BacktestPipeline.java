package io.fraudpipeline.job.backtest;

import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.job.named.AggregateRulesOperator;
import io.fraudpipeline.job.named.GroupedTransaction;
import io.fraudpipeline.job.parse.ParsedRecord;
import io.fraudpipeline.job.parse.TransactionDeserializer;
import io.fraudpipeline.job.parse.ValidationRouter;
import io.fraudpipeline.job.rules.RuleEvaluationOperator;
import io.fraudpipeline.job.rules.RuleEvaluationOperatorFactory;
import io.fraudpipeline.job.rules.RuleSetFeed;
import io.fraudpipeline.job.serde.TransactionSerializer;
import io.fraudpipeline.job.source.KafkaSources;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.NamedRule;
import io.fraudpipeline.model.RuleId;
import io.fraudpipeline.model.RuleKind;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * A backtest as a bounded Flink job: candidate named rules run over the transactions still retained
 * in Kafka, through the live job's own operators ({@link RuleEvaluationOperator} for threshold
 * rules, {@link AggregateRulesOperator} for aggregates), so it raises what the live job would.
 *
 * <p>It reads from the widest candidate window (and {@code --max-future-skew}) before {@code from},
 * so windows are full at {@code from}, to the end the topic had when the job started, and reports
 * the named rules' alerts on transactions with event time in {@code [from, to)}. The source ends,
 * its final watermark flushes every window, and the job finishes. Nothing is written to Kafka.
 */
public final class BacktestPipeline {

  /** uid and name prefix of the backtest's operators (never part of the live job's savepoints). */
  public static final String PREFIX = "backtest-";

  private BacktestPipeline() {}

  /**
   * Adds the backtest to {@code env} and returns the candidate rules' alerts in the range.
   *
   * @param candidates a valid rule set holding the candidate named rules (its fixed rules are
   *     ignored: only named rules' alerts are reported)
   * @param stopOffsets where to stop reading each transactions partition (the first offset not
   *     read); null to read each to its end when the job starts
   */
  public static DataStream<FraudAlert> alerts(
      StreamExecutionEnvironment env,
      FraudJobParameters params,
      RuleSet candidates,
      Instant from,
      Instant to,
      Map<Integer, Long> stopOffsets) {
    byte[] rulesJson = FraudJson.write(candidates);
    // Kafka is searched by record timestamp, which may precede the event time by up to the
    // future skew the live job accepts.
    Instant readFrom = from.minus(widestWindow(candidates)).minus(params.maxFutureSkew());
    KafkaSource<ParsedRecord> source =
        KafkaSource.<ParsedRecord>builder()
            .setBootstrapServers(params.bootstrapServers())
            .setTopics(params.transactionsTopic())
            .setGroupId(params.groupId() + "-backtest")
            .setClientIdPrefix(params.groupId() + "-backtest")
            .setStartingOffsets(OffsetsInitializer.timestamp(readFrom.toEpochMilli()))
            .setBounded(
                stopOffsets == null
                    ? OffsetsInitializer.latest()
                    : OffsetsInitializer.offsets(
                        stopOffsets.entrySet().stream()
                            .collect(
                                Collectors.toMap(
                                    e -> new TopicPartition(params.transactionsTopic(), e.getKey()),
                                    Map.Entry::getValue))))
            .setDeserializer(new TransactionDeserializer(params.maxFutureSkew()))
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            // A backtest must not move the live job's committed offsets (its lag).
            .setProperty("commit.offsets.on.checkpoint", "false")
            .setProperties(params.kafkaClientProperties())
            .build();
    SingleOutputStreamOperator<Transaction> valid =
        env.fromSource(
                source, KafkaSources.transactionWatermarks(params), PREFIX + "transactions-source")
            .uid(PREFIX + "transactions-source")
            .name(PREFIX + "transactions-source")
            .process(new ValidationRouter(), TransactionSerializer.TYPE)
            .uid(PREFIX + "validate-transactions")
            .name(PREFIX + "validate-transactions");

    SingleOutputStreamOperator<FraudAlert> thresholdAlerts =
        valid
            .transform(
                PREFIX + "evaluate-rules",
                TypeInformation.of(FraudAlert.class),
                new RuleEvaluationOperatorFactory(rulesJson, RuleSetFeed.NONE))
            .uid(PREFIX + "evaluate-rules")
            .name(PREFIX + "evaluate-rules");

    DataStream<FraudAlert> aggregateAlerts =
        thresholdAlerts
            .getSideOutput(RuleEvaluationOperator.AGGREGATE_CANDIDATES)
            .keyBy(GroupedTransaction::key, GroupedTransaction.KEY_TYPE)
            .connect(
                env.fromData(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO, rulesJson)
                    .uid(PREFIX + "rules")
                    .name(PREFIX + "rules")
                    .broadcast())
            .transform(
                PREFIX + "aggregate-rules",
                TypeInformation.of(FraudAlert.class),
                new AggregateRulesOperator(rulesJson))
            .uid(PREFIX + "aggregate-rules")
            .name(PREFIX + "aggregate-rules");

    long fromMillis = from.toEpochMilli();
    long toMillis = to.toEpochMilli();
    return thresholdAlerts
        .union(aggregateAlerts)
        .filter(
            a -> {
              long t = a.eventTime().toEpochMilli();
              return a.rule() == RuleId.NAMED && t >= fromMillis && t < toMillis;
            })
        .uid(PREFIX + "in-range")
        .name(PREFIX + "in-range");
  }

  /** The widest window of the candidate aggregate rules (zero with none). */
  static Duration widestWindow(RuleSet candidates) {
    Duration widest = Duration.ZERO;
    for (NamedRule rule : candidates.rules()) {
      if (rule.evaluated() && rule.kindValue() == RuleKind.AGGREGATE) {
        Duration w = rule.windowValue();
        widest = w.compareTo(widest) > 0 ? w : widest;
      }
    }
    return widest;
  }
}
