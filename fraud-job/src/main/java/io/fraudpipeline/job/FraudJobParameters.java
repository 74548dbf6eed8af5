package io.fraudpipeline.job;

import io.fraudpipeline.model.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.ParameterTool;

/**
 * Every setting of the fraud job, typed and with its default. Parsed from the program arguments
 * ({@code --name value}); docs/job.md lists them all.
 *
 * @param bootstrapServers Kafka bootstrap servers for every source and sink
 * @param transactionsTopic topic the transactions are read from
 * @param alertsTopic topic the alerts are written to
 * @param shadowAlertsTopic topic the alerts of named rules in shadow state are written to
 * @param dlqTopic topic rejected transaction records are written to, unchanged
 * @param rulesTopic compacted topic holding the versioned rule set
 * @param groupId consumer group of the transactions source (offsets committed on checkpoints)
 * @param checkpointInterval time between checkpoints; exactly-once alerts become visible then
 * @param deliveryGuarantee exactly-once (Kafka transactions) or at-least-once
 * @param transactionTimeout the sink producers' {@code transaction.timeout.ms}; must be within the
 *     broker's {@code transaction.max.timeout.ms} (15 minutes by default)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; unique per running job
 * @param maxOutOfOrderness how far behind the newest event time a transaction may arrive and still
 *     be judged in order by the velocity rule
 * @param sourceIdleness a transactions partition without records for this long stops holding back
 *     event time
 * @param maxFutureSkew how far a transaction's timestamp may lie ahead of its Kafka record's own
 *     timestamp; a transaction further ahead goes to the DLQ, because it would move the partition's
 *     event time forward and make every later transaction late. Zero turns the check off
 * @param rulesBootstrapTimeout how long the job's main method waits to read the current rule set
 *     before the job is submitted; zero skips the read
 * @param dlqMaxRequestBytes the DLQ producer's {@code max.request.size}, so a large rejected record
 *     fits as long as the DLQ topic accepts it
 * @param bufferTimeout longest time a record waits in a network buffer between operators before it
 *     is sent on; 0 sends every record at once (costly)
 * @param kafkaRequestTimeout the {@code request.timeout.ms} of every Kafka client of the job: how
 *     long a request to a broker that does not answer (frozen, partitioned away) waits before the
 *     client gives up on that connection, refreshes its metadata and retries where the partition's
 *     leadership went
 * @param jobName the Flink job name
 * @param kafkaProperties extra client properties ({@code --kafka.security.protocol SASL_SSL} ...)
 *     applied to every Kafka client of the job
 */
public record FraudJobParameters(
    String bootstrapServers,
    String transactionsTopic,
    String alertsTopic,
    String shadowAlertsTopic,
    String dlqTopic,
    String rulesTopic,
    String groupId,
    Duration checkpointInterval,
    DeliveryGuarantee deliveryGuarantee,
    Duration transactionTimeout,
    String transactionalIdPrefix,
    Duration maxOutOfOrderness,
    Duration sourceIdleness,
    Duration maxFutureSkew,
    Duration rulesBootstrapTimeout,
    int dlqMaxRequestBytes,
    Duration bufferTimeout,
    Duration kafkaRequestTimeout,
    String jobName,
    Map<String, String> kafkaProperties)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
  public static final String TRANSACTIONS_TOPIC = "transactions-topic";
  public static final String ALERTS_TOPIC = "alerts-topic";
  public static final String SHADOW_ALERTS_TOPIC = "shadow-alerts-topic";
  public static final String DLQ_TOPIC = "dlq-topic";
  public static final String RULES_TOPIC = "rules-topic";
  public static final String GROUP_ID = "group-id";
  public static final String CHECKPOINT_INTERVAL = "checkpoint-interval";
  public static final String DELIVERY_GUARANTEE = "delivery-guarantee";
  public static final String TRANSACTION_TIMEOUT = "transaction-timeout";
  public static final String TRANSACTIONAL_ID_PREFIX = "transactional-id-prefix";
  public static final String MAX_OUT_OF_ORDERNESS = "max-out-of-orderness";
  public static final String SOURCE_IDLENESS = "source-idleness";
  public static final String MAX_FUTURE_SKEW = "max-future-skew";
  public static final String RULES_BOOTSTRAP_TIMEOUT = "rules-bootstrap-timeout";
  public static final String DLQ_MAX_REQUEST_BYTES = "dlq-max-request-bytes";
  public static final String BUFFER_TIMEOUT = "buffer-timeout";
  public static final String KAFKA_REQUEST_TIMEOUT = "kafka-request-timeout";
  public static final String JOB_NAME = "job-name";

  /** Prefix of pass-through Kafka client properties: {@code --kafka.<property> value}. */
  public static final String KAFKA_PROPERTY_PREFIX = "kafka.";

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final String DEFAULT_GROUP_ID = "fraud-job";

  /** A compile-time constant, so that the benchmarks can name it without this class at run time. */
  public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;

  public static final Duration DEFAULT_CHECKPOINT_INTERVAL =
      Duration.ofMillis(DEFAULT_CHECKPOINT_INTERVAL_MS);
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SOURCE_IDLENESS = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);
  public static final Duration DEFAULT_RULES_BOOTSTRAP_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_DLQ_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
  public static final Duration DEFAULT_BUFFER_TIMEOUT = Duration.ofMillis(5);

  /**
   * Kafka's own default (30 s) keeps the sinks' flush, and so every checkpoint and every alert,
   * waiting that long on a frozen broker. A broker that stops heartbeating is fenced by the KRaft
   * controller after {@code broker.session.timeout.ms} (9 s by default) and its partitions move;
   * just past that, the retry finds the new leader. Far above a healthy request's time (a fetch
   * waits at most {@code fetch.max.wait.ms}, 500 ms).
   */
  public static final Duration DEFAULT_KAFKA_REQUEST_TIMEOUT =
      Duration.ofMillis(FraudJobParameters.DEFAULT_KAFKA_REQUEST_TIMEOUT_MS);

  /** {@link #DEFAULT_KAFKA_REQUEST_TIMEOUT} as a constant, for tools that quote it. */
  public static final int DEFAULT_KAFKA_REQUEST_TIMEOUT_MS = 10_000;

  /** Below this a request times out on a busy but healthy broker. */
  public static final Duration MIN_KAFKA_REQUEST_TIMEOUT = Duration.ofSeconds(1);

  public static final String DEFAULT_JOB_NAME = "fraud-detection";

  /** The broker's default {@code transaction.max.timeout.ms}: a longer timeout is refused. */
  public static final Duration BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  private static final String REQUEST_TIMEOUT_PROPERTY = "request.timeout.ms";

  /** What {@link ParameterTool} stores for a flag given without a value. */
  private static final String NO_VALUE = "__NO_VALUE_KEY";

  private static final Set<String> KNOWN =
      Set.of(
          BOOTSTRAP_SERVERS,
          TRANSACTIONS_TOPIC,
          ALERTS_TOPIC,
          SHADOW_ALERTS_TOPIC,
          DLQ_TOPIC,
          RULES_TOPIC,
          GROUP_ID,
          CHECKPOINT_INTERVAL,
          DELIVERY_GUARANTEE,
          TRANSACTION_TIMEOUT,
          TRANSACTIONAL_ID_PREFIX,
          MAX_OUT_OF_ORDERNESS,
          SOURCE_IDLENESS,
          MAX_FUTURE_SKEW,
          RULES_BOOTSTRAP_TIMEOUT,
          DLQ_MAX_REQUEST_BYTES,
          BUFFER_TIMEOUT,
          KAFKA_REQUEST_TIMEOUT,
          JOB_NAME);

  public FraudJobParameters {
    kafkaProperties = Map.copyOf(kafkaProperties);
    List<String> problems = new ArrayList<>();
    requireText(BOOTSTRAP_SERVERS, bootstrapServers, problems);
    requireText(TRANSACTIONS_TOPIC, transactionsTopic, problems);
    requireText(ALERTS_TOPIC, alertsTopic, problems);
    requireText(SHADOW_ALERTS_TOPIC, shadowAlertsTopic, problems);
    if (alertsTopic != null && alertsTopic.equals(shadowAlertsTopic)) {
      problems.add(
          "--"
              + SHADOW_ALERTS_TOPIC
              + " must differ from --"
              + ALERTS_TOPIC
              + ": shadow alerts must never reach the alerts topic");
    }
    requireText(DLQ_TOPIC, dlqTopic, problems);
    requireText(RULES_TOPIC, rulesTopic, problems);
    requireText(GROUP_ID, groupId, problems);
    requireText(TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix, problems);
    requireText(JOB_NAME, jobName, problems);
    if (deliveryGuarantee != DeliveryGuarantee.EXACTLY_ONCE
        && deliveryGuarantee != DeliveryGuarantee.AT_LEAST_ONCE) {
      problems.add("--" + DELIVERY_GUARANTEE + " must be exactly-once or at-least-once");
    }
    if (checkpointInterval.toMillis() < 10) {
      // Flink's own lower bound; every guarantee here rests on checkpoints.
      problems.add("--" + CHECKPOINT_INTERVAL + " must be at least 10 ms");
    }
    if (transactionTimeout.compareTo(checkpointInterval) <= 0) {
      problems.add(
          "--"
              + TRANSACTION_TIMEOUT
              + " ("
              + transactionTimeout.toMillis()
              + " ms) must be longer than --"
              + CHECKPOINT_INTERVAL
              + " ("
              + checkpointInterval.toMillis()
              + " ms): a transaction stays open until the next checkpoint completes");
    }
    if (maxOutOfOrderness.isNegative()) {
      problems.add("--" + MAX_OUT_OF_ORDERNESS + " must not be negative");
    }
    if (sourceIdleness.toMillis() < 1) {
      problems.add("--" + SOURCE_IDLENESS + " must be at least 1 ms");
    }
    if (maxFutureSkew.isNegative()) {
      problems.add("--" + MAX_FUTURE_SKEW + " must not be negative (0 turns the check off)");
    }
    if (rulesBootstrapTimeout.isNegative()) {
      problems.add("--" + RULES_BOOTSTRAP_TIMEOUT + " must not be negative (0 skips the read)");
    }
    if (dlqMaxRequestBytes < 1024 * 1024) {
      problems.add("--" + DLQ_MAX_REQUEST_BYTES + " must be at least 1048576");
    }
    if (bufferTimeout.isNegative()) {
      problems.add("--" + BUFFER_TIMEOUT + " must not be negative");
    }
    if (kafkaRequestTimeout.compareTo(MIN_KAFKA_REQUEST_TIMEOUT) < 0) {
      problems.add(
          "--"
              + KAFKA_REQUEST_TIMEOUT
              + " must be at least "
              + MIN_KAFKA_REQUEST_TIMEOUT.toMillis());
    }
    if (kafkaProperties.containsKey(REQUEST_TIMEOUT_PROPERTY)) {
      problems.add(
          "--"
              + KAFKA_PROPERTY_PREFIX
              + REQUEST_TIMEOUT_PROPERTY
              + " is set by --"
              + KAFKA_REQUEST_TIMEOUT
              + "; use that");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid fraud job parameters: " + problems);
    }
  }

  /** The defaults, as documented: the local stack's broker and the standard topic names. */
  public static FraudJobParameters defaults() {
    return fromArgs(new String[0]);
  }

  /**
   * Reads {@code --name value} arguments; anything left out takes its default.
   *
   * @throws IllegalArgumentException naming every unknown parameter and every bad value
   */
  public static FraudJobParameters fromArgs(String[] args) {
    ParameterTool tool;
    try {
      tool = ParameterTool.fromArgs(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid fraud job arguments: " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    Set<String> unknown = new TreeSet<>();
    Map<String, String> kafka = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : tool.toMap().entrySet()) {
      String name = e.getKey();
      if (name.startsWith(KAFKA_PROPERTY_PREFIX)
          && name.length() > KAFKA_PROPERTY_PREFIX.length()) {
        kafka.put(name.substring(KAFKA_PROPERTY_PREFIX.length()), e.getValue());
      } else if (!KNOWN.contains(name)) {
        unknown.add("--" + name);
      }
    }
    if (!unknown.isEmpty()) {
      problems.add("unknown parameters " + unknown + " (known: see docs/job.md)");
    }
    Args a = new Args(tool, problems);
    String groupId = a.text(GROUP_ID, DEFAULT_GROUP_ID);
    Duration checkpointInterval = a.millis(CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
    DeliveryGuarantee guarantee = a.deliveryGuarantee();
    Duration transactionTimeout = a.millis(TRANSACTION_TIMEOUT, DEFAULT_TRANSACTION_TIMEOUT);
    Duration outOfOrderness = a.millis(MAX_OUT_OF_ORDERNESS, DEFAULT_MAX_OUT_OF_ORDERNESS);
    Duration idleness = a.millis(SOURCE_IDLENESS, DEFAULT_SOURCE_IDLENESS);
    Duration futureSkew = a.millis(MAX_FUTURE_SKEW, DEFAULT_MAX_FUTURE_SKEW);
    Duration bootstrap = a.millis(RULES_BOOTSTRAP_TIMEOUT, DEFAULT_RULES_BOOTSTRAP_TIMEOUT);
    int dlqMaxRequest = (int) a.number(DLQ_MAX_REQUEST_BYTES, DEFAULT_DLQ_MAX_REQUEST_BYTES);
    Duration bufferTimeout = a.millis(BUFFER_TIMEOUT, DEFAULT_BUFFER_TIMEOUT);
    Duration requestTimeout = a.millis(KAFKA_REQUEST_TIMEOUT, DEFAULT_KAFKA_REQUEST_TIMEOUT);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid fraud job parameters: " + problems);
    }
    return new FraudJobParameters(
        a.text(BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS),
        a.text(TRANSACTIONS_TOPIC, Topics.TRANSACTIONS),
        a.text(ALERTS_TOPIC, Topics.FRAUD_ALERTS),
        a.text(SHADOW_ALERTS_TOPIC, Topics.FRAUD_ALERTS_SHADOW),
        a.text(DLQ_TOPIC, Topics.TRANSACTIONS_DLQ),
        a.text(RULES_TOPIC, Topics.FRAUD_RULES),
        groupId,
        checkpointInterval,
        guarantee,
        transactionTimeout,
        a.text(TRANSACTIONAL_ID_PREFIX, groupId),
        outOfOrderness,
        idleness,
        futureSkew,
        bootstrap,
        dlqMaxRequest,
        bufferTimeout,
        requestTimeout,
        a.text(JOB_NAME, DEFAULT_JOB_NAME),
        kafka);
  }

  /** These parameters as program arguments, so a caller can build and pass them around. */
  public String[] toArgs() {
    List<String> args = new ArrayList<>();
    add(args, BOOTSTRAP_SERVERS, bootstrapServers);
    add(args, TRANSACTIONS_TOPIC, transactionsTopic);
    add(args, ALERTS_TOPIC, alertsTopic);
    add(args, SHADOW_ALERTS_TOPIC, shadowAlertsTopic);
    add(args, DLQ_TOPIC, dlqTopic);
    add(args, RULES_TOPIC, rulesTopic);
    add(args, GROUP_ID, groupId);
    add(args, CHECKPOINT_INTERVAL, Long.toString(checkpointInterval.toMillis()));
    add(args, DELIVERY_GUARANTEE, deliveryGuaranteeName(deliveryGuarantee));
    add(args, TRANSACTION_TIMEOUT, Long.toString(transactionTimeout.toMillis()));
    add(args, TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix);
    add(args, MAX_OUT_OF_ORDERNESS, Long.toString(maxOutOfOrderness.toMillis()));
    add(args, SOURCE_IDLENESS, Long.toString(sourceIdleness.toMillis()));
    add(args, MAX_FUTURE_SKEW, Long.toString(maxFutureSkew.toMillis()));
    add(args, RULES_BOOTSTRAP_TIMEOUT, Long.toString(rulesBootstrapTimeout.toMillis()));
    add(args, DLQ_MAX_REQUEST_BYTES, Integer.toString(dlqMaxRequestBytes));
    add(args, BUFFER_TIMEOUT, Long.toString(bufferTimeout.toMillis()));
    add(args, KAFKA_REQUEST_TIMEOUT, Long.toString(kafkaRequestTimeout.toMillis()));
    add(args, JOB_NAME, jobName);
    kafkaProperties.forEach((k, v) -> add(args, KAFKA_PROPERTY_PREFIX + k, v));
    return args.toArray(String[]::new);
  }

  /**
   * What every Kafka client of the job is given: the request timeout and the pass-through
   * properties, as {@link Properties} for a client or builder.
   */
  public Properties kafkaClientProperties() {
    Properties props = new Properties();
    props.setProperty(REQUEST_TIMEOUT_PROPERTY, Long.toString(kafkaRequestTimeout.toMillis()));
    props.putAll(kafkaProperties);
    return props;
  }

  public boolean exactlyOnce() {
    return deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE;
  }

  /**
   * The parameter's spelling of a delivery guarantee: {@code exactly-once}, {@code at-least-once}.
   */
  public static String deliveryGuaranteeName(DeliveryGuarantee guarantee) {
    return guarantee.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void add(List<String> args, String name, String value) {
    args.add("--" + name);
    args.add(value);
  }

  private static void requireText(String name, String value, List<String> problems) {
    if (value == null || value.isBlank()) {
      problems.add("--" + name + " must not be blank");
    }
  }

  /** Reads values one at a time, collecting every problem instead of stopping at the first. */
  private record Args(ParameterTool tool, List<String> problems) {

    String text(String name, String defaultValue) {
      String value = tool.get(name);
      if (value == null || NO_VALUE.equals(value)) {
        return tool.has(name) ? "" : defaultValue;
      }
      return value.trim();
    }

    long number(String name, long defaultValue) {
      String value = text(name, null);
      if (value == null) {
        return defaultValue;
      }
      try {
        long parsed = Long.parseLong(value);
        if (parsed < 0) {
          problems.add("--" + name + " must not be negative, got " + value);
          return defaultValue;
        }
        if (parsed > Integer.MAX_VALUE && name.equals(DLQ_MAX_REQUEST_BYTES)) {
          problems.add("--" + name + " must be at most " + Integer.MAX_VALUE + ", got " + value);
          return defaultValue;
        }
        return parsed;
      } catch (NumberFormatException e) {
        problems.add("--" + name + " must be a whole number, got '" + value + "'");
        return defaultValue;
      }
    }

    Duration millis(String name, Duration defaultValue) {
      return Duration.ofMillis(number(name, defaultValue.toMillis()));
    }

    DeliveryGuarantee deliveryGuarantee() {
      String value = text(DELIVERY_GUARANTEE, "exactly-once").toLowerCase(Locale.ROOT);
      return switch (value) {
        case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
        case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
        default -> {
          problems.add(
              "--"
                  + DELIVERY_GUARANTEE
                  + " must be exactly-once or at-least-once, got '"
                  + value
                  + "'");
          yield DeliveryGuarantee.EXACTLY_ONCE;
        }
      };
    }
  }
}
