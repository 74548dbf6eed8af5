package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicFollower;
import io.fraudpipeline.control.kafka.TopicsProperties;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Tells, as soon as the broker has it, that a proposal was appended to the desired-state topic,
 * through whichever replica: the leader's reconciler acts on a change at once, not at its next
 * interval, also when ops tooling behind a load balancer sent it to another replica.
 *
 * <p>Every replica follows the topic, not only the leader: leadership moves at any moment, and a
 * follower started on gaining it would miss what was appended before it found the topic's end,
 * while on a replica that does not lead a wake-up is a reconciler pass that returns at once.
 */
@Component
class DesiredStateChanges implements SmartLifecycle {

  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

  private final ReadCommittedConsumers consumers;
  private final String topic;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private TopicFollower follower;

  DesiredStateChanges(ReadCommittedConsumers consumers, TopicsProperties topics) {
    this.consumers = consumers;
    this.topic = topics.pipeline();
  }

  /** Calls {@code listener}, on the follower's thread, after every append by any replica. */
  void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public synchronized void start() {
    if (follower != null) {
      return;
    }
    follower =
        new TopicFollower(
            "desired-state-follower",
            consumers.createFollower("control-api-pipeline-follower", KAFKA_TIMEOUT),
            List.of(topic),
            0,
            new TopicFollower.Reader() {
              @Override
              public void read(ConsumerRecords<byte[], byte[]> records) {
                if (!records.isEmpty()) {
                  changed();
                }
              }

              @Override
              public void assigned(Set<TopicPartition> partitions) {
                // What was appended before the follower found the partition (the first proposal,
                // which creates the topic) may be new to the reconciler too.
                changed();
              }
            });
    follower.start();
  }

  private void changed() {
    listeners.forEach(Runnable::run);
  }

  @Override
  public synchronized void stop() {
    if (follower != null) {
      follower.close();
      follower = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return follower != null;
  }
}
