package io.fraudpipeline.chaos.cluster;

import io.fraudpipeline.embedded.FreePorts;
import io.fraudpipeline.embedded.KraftNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Three Kafka brokers in KRaft combined mode (each broker also a voter of the controller quorum),
 * each its own JVM running {@code kafka.Kafka} with a server.properties of its own: replication
 * factor 3 and {@code min.insync.replicas} 2 for every topic, the transaction log included.
 */
public final class KafkaBrokers implements AutoCloseable {

  public static final int COUNT = 3;

  private final List<ChildProcess> brokers;
  private final List<Integer> brokerPorts;
  private final Admin admin;

  private KafkaBrokers(List<ChildProcess> brokers, List<Integer> brokerPorts) {
    this.brokers = brokers;
    this.brokerPorts = brokerPorts;
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(brokerPorts),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000));
  }

  /** Formats each broker's storage (one cluster id), starts them and waits for all three. */
  public static KafkaBrokers start(JavaCommand java, Path workDir, Path logDir)
      throws IOException, InterruptedException {
    List<Integer> brokerPorts = new ArrayList<>();
    List<Integer> controllerPorts = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      brokerPorts.add(FreePorts.find());
      controllerPorts.add(FreePorts.find());
    }
    String voters = KraftNode.voters(controllerPorts);
    String clusterId = Uuid.randomUuid().toString();
    List<ChildProcess> processes = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      int nodeId = i + 1;
      Path dir = workDir.resolve("kafka-" + nodeId);
      Path dataDir = dir.resolve("data");
      Files.createDirectories(dataDir);
      Path config = dir.resolve("server.properties");
      try (Writer out = Files.newBufferedWriter(config)) {
        serverProperties(nodeId, brokerPorts.get(i), controllerPorts.get(i), voters, dataDir)
            .store(out, "chaos harness: broker " + nodeId);
      }
      KraftNode.format(nodeId, clusterId, dataDir);
      processes.add(
          ChildProcess.start(
              "kafka-" + nodeId,
              java.of(List.of("-Xms384m", "-Xmx384m"), "kafka.Kafka", List.of(config.toString())),
              logDir.resolve("kafka-" + nodeId + ".log")));
    }
    KafkaBrokers kafka = new KafkaBrokers(processes, brokerPorts);
    kafka.awaitBrokers(COUNT, Duration.ofMinutes(2));
    return kafka;
  }

  private static Properties serverProperties(
      int nodeId, int brokerPort, int controllerPort, String voters, Path dataDir) {
    Properties p = KraftNode.properties(nodeId, brokerPort, controllerPort, voters, dataDir);
    // What the issue asks of a real cluster: three copies, two of them in sync for a write.
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("offsets.topic.replication.factor", "3");
    p.put("transaction.state.log.replication.factor", "3");
    p.put("transaction.state.log.min.isr", "2");
    // Few internal partitions: start-up and leader moves stay quick on 2 cores.
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "3");
    p.put("share.coordinator.state.topic.min.isr", "2");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "2");
    // No unclean election: a lagging replica never becomes leader and drops committed records.
    p.put("unclean.leader.election.enable", "false");
    return p;
  }

  private static String bootstrapServers(List<Integer> ports) {
    return ports.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
  }

  public String bootstrapServers() {
    return bootstrapServers(brokerPorts);
  }

  public Admin admin() {
    return admin;
  }

  /** The broker with node id {@code nodeId} (1 to 3). */
  public ChildProcess broker(int nodeId) {
    return brokers.get(nodeId - 1);
  }

  public List<ChildProcess> all() {
    return List.copyOf(brokers);
  }

  /** The node id of the leader of {@code topic}'s partition {@code partition}. */
  public int leaderOf(String topic, int partition) throws InterruptedException {
    TopicDescription description = describe(List.of(topic)).get(topic);
    return description.partitions().get(partition).leader().id();
  }

  /** Waits until {@code count} brokers are registered with the controller quorum. */
  public void awaitBrokers(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (ChildProcess broker : brokers) {
        broker.requireAlive();
      }
      try {
        if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(count + " brokers not up within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until every partition of {@code topics} has all its replicas in sync: the state each
   * scenario starts from, and the end of a broker's recovery.
   */
  public void awaitFullyReplicated(Collection<String> topics, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        boolean inSync = true;
        for (TopicDescription topic : describe(topics).values()) {
          for (TopicPartitionInfo partition : topic.partitions()) {
            inSync &=
                partition.leader() != null && partition.isr().size() == partition.replicas().size();
          }
        }
        if (inSync) {
          return;
        }
      } catch (IllegalStateException e) {
        // a broker is still starting
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics " + topics + " not fully replicated in " + timeout);
      }
      Thread.sleep(500);
    }
  }

  private Map<String, TopicDescription> describe(Collection<String> topics)
      throws InterruptedException {
    try {
      return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot describe topics " + topics, e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    admin.close(Duration.ofSeconds(5));
    brokers.forEach(ChildProcess::terminate);
    for (ChildProcess broker : brokers) {
      broker.stop(20);
    }
  }
}
