package io.fraudpipeline.job.rules;

import io.fraudpipeline.job.FraudJobParameters;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules topic as a {@link RuleSetFeed}: each follower reads every partition from the earliest
 * offset ({@code read_committed}, no consumer group), then keeps reading. Replays are harmless:
 * {@link AppliedRules} applies only a higher version. A missing topic or an unreachable broker is
 * waited out; anything else stops the follower and is reported to the listener.
 */
public final class KafkaRuleSetFeed implements RuleSetFeed {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRuleSetFeed.class);

  /**
   * The longest the broker holds a fetch of the quiet rules topic. The broker does not answer a
   * parked fetch when a transaction commits, so this bounds how late a transactionally published
   * rule set is seen (Kafka's default is 500 ms); an idle follower costs ten small requests a
   * second.
   */
  static final Duration FETCH_MAX_WAIT = Duration.ofMillis(100);

  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final FraudJobParameters params;

  public KafkaRuleSetFeed(FraudJobParameters params) {
    this.params = params;
  }

  @Override
  public AutoCloseable follow(String name, Listener listener) {
    Follower follower = new Follower(name, listener);
    follower.start();
    return follower;
  }

  private final class Follower extends Thread implements AutoCloseable {

    private final Listener listener;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CountDownLatch closing = new CountDownLatch(1);
    private boolean warned;

    Follower(String name, Listener listener) {
      super(name);
      setDaemon(true);
      this.listener = listener;
      Properties overrides = new Properties();
      overrides.put(
          ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(FETCH_MAX_WAIT.toMillis()));
      this.consumer = RulesConsumers.create(params, params.groupId() + "-rules", overrides);
    }

    @Override
    public void run() {
      try (consumer) {
        while (!closed()) {
          if (consumer.assignment().isEmpty()) {
            assignAllPartitions();
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
            if (RulesRecordDeserializer.isRuleSet(record)) {
              listener.ruleSet(record.value());
            }
          }
        }
      } catch (RuntimeException e) {
        // WakeupException included: it means closing, unless it came from somewhere else.
        if (!closed()) {
          listener.failed(e);
        }
      }
    }

    private boolean closed() {
      return closing.getCount() == 0;
    }

    private void assignAllPartitions() {
      List<TopicPartition> partitions;
      try {
        partitions =
            consumer.partitionsFor(params.rulesTopic()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
      } catch (TimeoutException e) {
        retryLater("unreachable: " + e.getMessage());
        return;
      }
      if (partitions.isEmpty()) {
        retryLater("not found");
        return;
      }
      if (warned) {
        LOG.info("Rules topic {} found; following it", params.rulesTopic());
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    /** Waits before the next attempt; says so once, not every few seconds per subtask. */
    private void retryLater(String problem) {
      if (!warned) {
        LOG.warn(
            "Rules topic {} {}; retrying every {}", params.rulesTopic(), problem, RETRY_INTERVAL);
        warned = true;
      }
      pause();
    }

    private void pause() {
      try {
        closing.await(RETRY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closing.countDown();
      }
    }

    @Override
    public void close() throws InterruptedException {
      closing.countDown();
      consumer.wakeup();
      join(CLOSE_TIMEOUT.toMillis());
    }
  }
}
