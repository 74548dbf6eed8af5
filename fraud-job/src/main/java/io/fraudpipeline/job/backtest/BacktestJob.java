package io.fraudpipeline.job.backtest;

import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.job.sink.AlertSerializer;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry class of a backtest run from the fraud job's jar (the control plane's {@code POST
 * /api/v1/rules/backtests}): {@link BacktestPipeline} over the retained transactions, its alerts to
 * a topic of this backtest's own, at-least-once (no Kafka transactions, so no transactional id the
 * live job could be fenced by). The reader deduplicates by alert id.
 *
 * <p>Arguments: the fraud job's own ({@link FraudJobParameters}; only the Kafka connection and
 * client settings, the transactions topic, the group id, the job name and the event-time settings
 * (out-of-orderness, source idleness, future skew) matter here) plus {@code --backtest-rules} (the
 * candidate rule set's JSON, base64url), {@code --backtest-from} and {@code --backtest-to} (epoch
 * milliseconds) and {@code --backtest-output-topic}, optionally {@code --backtest-stop-offsets}
 * (where to stop reading each transactions partition, {@code partition:offset,…}; without it, the
 * end of each when the job starts).
 */
public final class BacktestJob {

  public static final String RULES = "backtest-rules";
  public static final String FROM = "backtest-from";
  public static final String TO = "backtest-to";
  public static final String OUTPUT_TOPIC = "backtest-output-topic";
  public static final String STOP_OFFSETS = "backtest-stop-offsets";

  private BacktestJob() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> own = new HashMap<>();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (name != null
          && List.of(RULES, FROM, TO, OUTPUT_TOPIC, STOP_OFFSETS).contains(name)
          && i + 1 < args.length) {
        own.put(name, args[++i]);
      } else {
        rest.add(args[i]);
      }
    }
    for (String required : List.of(RULES, FROM, TO, OUTPUT_TOPIC)) {
      if (!own.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    FraudJobParameters params = FraudJobParameters.fromArgs(rest.toArray(String[]::new));
    ParseResult<RuleSet> parsed =
        FraudJson.parseRuleSet(Base64.getUrlDecoder().decode(own.get(RULES)));
    if (!(parsed instanceof ParseResult.Valid<RuleSet> valid)) {
      throw new IllegalArgumentException(
          "--"
              + RULES
              + " is not a valid rule set: "
              + ((ParseResult.Invalid<RuleSet>) parsed).reason());
    }
    RuleSet rules = valid.value();
    Instant from = Instant.ofEpochMilli(Long.parseLong(own.get(FROM)));
    Instant to = Instant.ofEpochMilli(Long.parseLong(own.get(TO)));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.getConfig().enableObjectReuse();
    BacktestPipeline.alerts(env, params, rules, from, to, stopOffsets(own.get(STOP_OFFSETS)))
        .sinkTo(output(params, own.get(OUTPUT_TOPIC)))
        .uid(BacktestPipeline.PREFIX + "alerts-sink")
        .name(BacktestPipeline.PREFIX + "alerts-sink");
    env.execute(params.jobName());
  }

  /** {@code partition:offset,…} as a map; null (read to the end) without the argument. */
  static Map<Integer, Long> stopOffsets(String argument) {
    if (argument == null) {
      return null;
    }
    Map<Integer, Long> offsets = new HashMap<>();
    for (String entry : argument.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.split(":");
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "--" + STOP_OFFSETS + " must be partition:offset,…, got '" + argument + "'");
      }
      offsets.put(Integer.parseInt(parts[0].trim()), Long.parseLong(parts[1].trim()));
    }
    return offsets;
  }

  private static KafkaSink<FraudAlert> output(FraudJobParameters params, String topic) {
    return KafkaSink.<FraudAlert>builder()
        .setBootstrapServers(params.bootstrapServers())
        .setKafkaProducerConfig(params.kafkaClientProperties())
        // Shadow or not, every candidate's alert goes to this backtest's topic.
        .setRecordSerializer(new AlertSerializer(topic, topic))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }
}
