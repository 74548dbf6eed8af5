package io.fraudpipeline.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller) running in this
 * JVM. Transactions and consumer groups work as on a cluster; every internal topic has replication
 * factor 1.
 *
 * <p>{@link #start()} gives a throw-away broker on a free port with a temporary directory (for
 * tests); {@link #start(int, Path)} a broker whose data survives restarts (for the local stack).
 */
public final class LocalKafka implements AutoCloseable {

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private boolean closed;

  private LocalKafka(
      KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean deleteOnClose) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
  }

  /** A broker on a free port whose data lives in a temporary directory deleted on close. */
  public static LocalKafka start() {
    return start(0, TempDirs.create("local-kafka-"), true);
  }

  /**
   * A broker on {@code port} (0 for any free one) keeping its data in {@code dataDir}: a broker
   * restarted on the same directory has the same topics, offsets and committed transactions.
   */
  public static LocalKafka start(int port, Path dataDir) {
    return start(port, dataDir, false);
  }

  private static LocalKafka start(int port, Path dataDir, boolean deleteOnClose) {
    int brokerPort = port == 0 ? FreePorts.find() : port;
    int controllerPort = FreePorts.find();
    Path logDir = dataDir.toAbsolutePath().resolve("kraft-logs");
    try {
      Files.createDirectories(logDir);
      Properties props = brokerProperties(brokerPort, controllerPort, logDir);
      KafkaConfig config = new KafkaConfig(props, false);
      format(logDir);
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      LocalKafka kafka = new LocalKafka(server, "localhost:" + brokerPort, dataDir, deleteOnClose);
      kafka.awaitReady(Duration.ofSeconds(60));
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + logDir, e);
    }
  }

  private static Properties brokerProperties(int brokerPort, int controllerPort, Path logDir) {
    Properties p =
        KraftNode.properties(
            1, brokerPort, controllerPort, KraftNode.voters(List.of(controllerPort)), logDir);
    // One node: every internal topic has one replica; few partitions keep start-up fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("log.cleaner.backoff.ms", "1000");
    // A controlled shutdown hands the broker's partitions to other replicas; alone, it has none.
    // Asking for one anyway made close() wait up to 5 minutes (Kafka's fixed bound) whenever the
    // controller did not approve, as in a control-api test that hung 4.5 minutes in a close.
    p.put("controlled.shutdown.enable", "false");
    return p;
  }

  private static void format(Path logDir) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return; // formatted by an earlier start: keep its cluster id and data
    }
    KraftNode.format(1, Uuid.randomUuid().toString(), logDir);
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            close();
            throw new IllegalStateException("Kafka broker did not become ready in " + timeout, e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
    }
  }

  /** {@code localhost:port}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The directory holding the broker's data. */
  public Path dataDir() {
    return dataDir;
  }

  /** A new admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000));
  }

  /**
   * Creates a topic (replication factor 1) unless it exists already, and returns once the broker
   * leads every partition: the controller commits the topic before the broker has applied it, and a
   * producer that writes in between gets NOT_LEADER_OR_FOLLOWER (an idempotent one then an
   * OutOfOrderSequenceException).
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      try {
        admin
            .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
            .all()
            .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + name, e.getCause());
        }
      }
      awaitLeaders(admin, name, partitions);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating topic " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /**
   * Until the broker answers ListOffsets (served by partition leaders only) for every partition.
   */
  private static void awaitLeaders(Admin admin, String topic, int partitions)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " has no leader", e.getCause());
        }
        Thread.sleep(20);
      }
    }
  }

  /** Stops the broker (and deletes its data when it was temporary). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      TempDirs.deleteQuietly(dataDir);
    }
  }
}
