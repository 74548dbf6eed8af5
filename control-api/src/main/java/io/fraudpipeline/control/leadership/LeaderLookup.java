package io.fraudpipeline.control.leadership;

import io.fraudpipeline.control.scheduling.PeriodicTask;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica the group coordinator has given the leadership partition, and which replicas are in
 * the group, asked of Kafka in the background (a replica's Kafka client id is its replica id), so
 * that followers can name the leader and anyone can tell whether a replica is still there. The
 * coordinator is asked rather than a record the leader writes: a record outlives its writer, and
 * would name a crashed leader until the next one writes, while the group's membership is what
 * actually decides.
 */
final class LeaderLookup implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderLookup.class);

  private final Admin admin;
  private final String groupId;
  private final TopicPartition partition;
  private final Duration timeout;
  private final PeriodicTask task;
  private volatile Optional<String> leader = Optional.empty();
  private volatile Optional<Set<String>> members = Optional.empty();
  private boolean failing;

  LeaderLookup(Admin admin, String groupId, TopicPartition partition, Duration interval) {
    this.admin = admin;
    this.groupId = groupId;
    this.partition = partition;
    this.timeout = interval.multipliedBy(2);
    this.task = new PeriodicTask("leadership-lookup", this::refresh, interval, timeout);
  }

  void start() {
    task.start();
  }

  /** The replica the coordinator last said holds the partition; empty if none or unknown. */
  Optional<String> leader() {
    return leader;
  }

  /** The replicas in the group when the coordinator was last asked; empty if unknown. */
  Optional<Set<String>> members() {
    return members;
  }

  private void refresh() {
    try {
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(
                  List.of(groupId),
                  new DescribeConsumerGroupsOptions().timeoutMs((int) timeout.toMillis()))
              .describedGroups()
              .get(groupId)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      leader =
          group.members().stream()
              .filter(m -> m.assignment().topicPartitions().contains(partition))
              .map(MemberDescription::clientId)
              .findFirst();
      members =
          Optional.of(
              group.members().stream()
                  .map(MemberDescription::clientId)
                  .collect(Collectors.toUnmodifiableSet()));
      failing = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // Unknown is said as unknown, never as the last answer.
      leader = Optional.empty();
      members = Optional.empty();
      if (!failing) {
        log.info("Cannot tell which replica leads (group {}): {}", groupId, e.toString());
        failing = true;
      }
    }
  }

  @Override
  public void close() {
    task.stop();
  }
}
