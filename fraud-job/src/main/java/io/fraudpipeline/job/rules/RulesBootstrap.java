package io.fraudpipeline.job.rules;

import io.fraudpipeline.job.FraudJobParameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the current rule set before the job is submitted. Without this a fresh job would judge the
 * transactions already waiting in Kafka by the built-in defaults until the rules source caught up;
 * with it, the first transaction is judged by the latest published rules. The rules source still
 * reads the topic from the earliest offset, for changes made later.
 */
public final class RulesBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(RulesBootstrap.class);

  private RulesBootstrap() {}

  /**
   * The JSON of the highest valid rule set on the rules topic, or null when the topic is empty,
   * does not exist, or the read is switched off ({@code --rules-bootstrap-timeout 0}).
   *
   * @throws IllegalStateException when the topic cannot be read to its end within the timeout
   */
  public static byte[] readLatest(FraudJobParameters params) {
    Duration timeout = params.rulesBootstrapTimeout();
    if (timeout.isZero()) {
      return null;
    }
    Properties overrides = new Properties();
    overrides.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        RulesConsumers.create(params, params.groupId() + "-rules-bootstrap", overrides)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(params.rulesTopic(), timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        LOG.warn("Rules topic {} not found; starting with the built-in rules", params.rulesTopic());
        return null;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      AppliedRules latest = new AppliedRules();
      byte[] latestJson = null;
      while (!reachedEnd(consumer, end)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "Could not read rules topic "
                  + params.rulesTopic()
                  + " to its end within "
                  + timeout.toMillis()
                  + " ms (--rules-bootstrap-timeout)");
        }
        for (ConsumerRecord<byte[], byte[]> record :
            consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(500).toNanos())))) {
          if (RulesRecordDeserializer.isRuleSet(record)
              && latest.offer(record.value()) instanceof AppliedRules.Offer.Applied) {
            latestJson = record.value();
          }
        }
      }
      if (latestJson != null) {
        LOG.info("Starting with fraud rules version {}", latest.version());
      }
      return latestJson;
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "Could not read rules topic "
              + params.rulesTopic()
              + " at "
              + params.bootstrapServers()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static boolean reachedEnd(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
