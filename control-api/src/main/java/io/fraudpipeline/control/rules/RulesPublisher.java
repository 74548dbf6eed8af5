package io.fraudpipeline.control.rules;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a rule set and its history entry in one Kafka transaction (acks=all, idempotent): a
 * reader with {@code read_committed}, the fraud job included, sees both or neither, never half a
 * change.
 *
 * <p>It is also what makes a change compare-and-set across replicas. Kafka cannot refuse a record
 * whose version another replica wrote first, but it lets one producer per transactional id commit:
 * initialising a producer fences every earlier one with that id and completes or aborts their open
 * transaction first. Every replica therefore writes under one id, derived from the rules topic
 * ({@link #transactionalId}). A change {@link #claim claims} the writer, then reads the current
 * version, then publishes: a publication fenced in between ({@link WriterFencedException}) was not
 * committed, because another replica claimed the writer and may have written a version this one's
 * read missed, so the change is read and checked again. Callers serialise their own publications.
 */
final class RulesPublisher implements AutoCloseable {

  private final Map<String, Object> config;
  private final String rulesTopic;
  private final String historyTopic;
  private Producer<String, byte[]> producer;

  RulesPublisher(
      Map<String, Object> producerConfig,
      Duration timeout,
      String rulesTopic,
      String historyTopic) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(rulesTopic));
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "control-api-rules");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    int millis = (int) timeout.toMillis();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
    config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    this.config = config;
    this.rulesTopic = rulesTopic;
    this.historyTopic = historyTopic;
  }

  /** The one transactional id of every replica publishing rules to {@code rulesTopic}. */
  static String transactionalId(String rulesTopic) {
    return "fraud-control-rules-writer-" + rulesTopic;
  }

  /**
   * Makes this replica the one that may commit rule changes, unless it still is: from here on a
   * read of the rules topic sees every change any replica committed, until another replica claims
   * the writer.
   */
  synchronized void claim() {
    if (producer != null) {
      return;
    }
    Producer<String, byte[]> claiming = new KafkaProducer<>(config);
    try {
      claiming.initTransactions();
    } catch (RuntimeException e) {
      claiming.close(Duration.ZERO);
      throw e;
    }
    producer = claiming;
  }

  /**
   * Publishes both records and returns once the transaction is committed.
   *
   * @throws WriterFencedException when another replica claimed the writer since this one did: the
   *     change was not committed
   * @throws org.apache.kafka.common.KafkaException when Kafka did not confirm it: it may or may not
   *     have been committed
   */
  synchronized void publish(RuleSet rules, RuleChange change) {
    if (producer == null) {
      throw new IllegalStateException("The rules writer is not claimed");
    }
    byte[] rulesValue = FraudJson.write(rules);
    byte[] changeValue = FraudJson.mapper().writeValueAsBytes(change);
    try {
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(rulesTopic, Topics.RULES_KEY, rulesValue));
      producer.send(new ProducerRecord<>(historyTopic, Topics.RULES_KEY, changeValue));
      producer.commitTransaction();
    } catch (RuntimeException e) {
      // Whatever the transaction's fate, the next claim's initialisation ends it for everybody.
      discard();
      throw fenced(e) ? new WriterFencedException(e) : e;
    }
  }

  /**
   * Kafka reports fencing itself or, for a send it failed, as the cause of a later call's error.
   */
  private static boolean fenced(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ProducerFencedException
          || cause instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  private void discard() {
    producer.close(Duration.ZERO);
    producer = null;
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(2));
      producer = null;
    }
  }

  /** Another replica claimed the writer after this one read the rules: nothing was committed. */
  static final class WriterFencedException extends RuntimeException {
    WriterFencedException(Throwable cause) {
      super(cause);
    }
  }
}
