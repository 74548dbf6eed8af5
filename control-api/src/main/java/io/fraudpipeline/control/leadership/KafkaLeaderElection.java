package io.fraudpipeline.control.leadership;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over a Kafka consumer group: every replica's consumer joins one group subscribed
 * to a one-partition topic, and the member the coordinator assigns partition 0 leads. The epoch is
 * the group generation in which it gained the partition, so it grows with every hand-over.
 *
 * <p>Why these consumer settings:
 *
 * <ul>
 *   <li>the <b>classic</b> group protocol, because its session timeout is the client's to choose
 *       (the consumer protocol's is the broker's), and it bounds how long a crashed leader blocks
 *       the next one;
 *   <li>the <b>cooperative sticky</b> assignor, so a replica joining or leaving the group does not
 *       take the partition from a live leader: only a dead or departing leader hands over;
 *   <li>{@code max.poll.interval.ms} equal to the session timeout, so a leader whose election
 *       thread is stuck (while its heartbeat thread runs on) is also replaced after about that.
 * </ul>
 *
 * <p>Safety: {@link #isLeader()} is true only while a local {@link Lease} runs, renewed from
 * moments the coordinator is known to have counted this member alive (a completed rebalance that
 * assigned the partition, or a heartbeat it accepted; see {@link HeartbeatWitness}). A replica
 * frozen by a GC pause or SIGSTOP thus stops calling itself leader before the coordinator can give
 * the partition to another. The residual window: a step that began while the lease ran may still be
 * in flight when it ends (a Flink call that takes longer than the lease's remainder); that is what
 * the epoch-derived Flink JobID fences.
 */
public final class KafkaLeaderElection implements Leadership, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaLeaderElection.class);

  /** How long a poll waits: also how stale a lease renewal or a role change can get. */
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final ElectionSettings settings;
  private final Map<String, Object> consumerConfig;
  private final LeadershipTopic topic;
  private final LeaderLookup lookup;
  private final Consumer<LeadershipChange> listener;
  private final TopicPartition partition;
  private final Lease lease;
  private final CountDownLatch stopping = new CountDownLatch(1);
  // Guards checkingTopic: close() interrupts the election thread only while it waits for Kafka's
  // answer about the topic (up to a session timeout), never in its consumer, which an interrupt
  // would keep from leaving the group.
  private final Object topicCheck = new Object();
  private boolean checkingTopic;
  // Set once, when the replica begins to shut down: from then on it never leads, whatever its
  // consumer is told, though it stays in the group until close() (see resign()).
  private volatile boolean resigned;
  private Thread thread;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean leaveOnClose = true;
  private volatile CountDownLatch frozen;

  // Written by the election thread, read by any.
  private volatile boolean holdsPartition;
  private volatile long epoch;
  private volatile int generation = -1;
  private volatile boolean reportedLeader;
  private volatile Instant since = Instant.now();
  private volatile String problem = "not started";
  // A nanoTime no later than the coordinator's last sign that this member was alive (a join it
  // answered or a heartbeat it accepted). The consumer keeps its generation while it cannot reach
  // the coordinator, and runs no rebalance callback then: only this tells that it is no longer
  // counted a member once a session has passed (probe 7, P7-3).
  private volatile OptionalLong lastAlive = OptionalLong.empty();

  // The election thread's own.
  private long lastCheck;
  private int seenGeneration = -1;
  private long generationChangedAfter;

  /**
   * @param clientConfig Kafka connection settings (servers, security) for the election's consumer
   * @param admin creates the topic and looks up the leader
   * @param listener told on the election thread whenever this replica starts or stops leading
   */
  public KafkaLeaderElection(
      Map<String, Object> clientConfig,
      Admin admin,
      ElectionSettings settings,
      Consumer<LeadershipChange> listener) {
    this.settings = settings;
    this.consumerConfig = consumerConfig(clientConfig, settings);
    this.topic =
        new LeadershipTopic(
            admin, settings.topic(), settings.replicationFactor(), settings.sessionTimeout());
    this.partition = new TopicPartition(settings.topic(), 0);
    this.lookup =
        new LeaderLookup(admin, settings.groupId(), partition, settings.heartbeatInterval());
    this.listener = listener;
    this.lease = new Lease(settings.leaseValidity(), System::nanoTime);
  }

  private static Map<String, Object> consumerConfig(
      Map<String, Object> clientConfig, ElectionSettings settings) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    // Static membership would keep a departed leader's place for a whole session.
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.replicaId());
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    int session = (int) settings.sessionTimeout().toMillis();
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
    config.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.heartbeatInterval().toMillis());
    config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, session);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Reconnects after a broker outage are quick enough not to delay the next election much, and
    // slow enough not to fill the log.
    config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return config;
  }

  /** Starts the election thread; returns at once, whether Kafka answers or not. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    thread = new Thread(this::run, "leadership-election");
    thread.setDaemon(true);
    thread.start();
    lookup.start();
  }

  /**
   * Stops leading for good, at once, while staying in the group: for a replica that begins to shut
   * down. Its reconciler may still be in a step; until {@link #close()} hands the partition over,
   * nobody else acts either. Without it, a replica whose lease ran out and was renewed while it
   * shut down (it had been frozen together with its broker) led again, announced it and began a
   * reconciliation that its own shutdown then interrupted.
   */
  public void resign() {
    resigned = true;
  }

  /**
   * Resigns (if it has not) and leaves the group at once, so another replica takes over within a
   * rebalance.
   */
  @Override
  public void close() {
    resign();
    stopping.countDown();
    thaw();
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    Thread running;
    synchronized (this) {
      running = thread;
    }
    synchronized (topicCheck) {
      if (checkingTopic && running != null) {
        // A replica shutting down does not wait for Kafka (k8s kills it after its grace period).
        running.interrupt();
      }
    }
    if (running != null) {
      try {
        running.join(settings.sessionTimeout().plus(CLOSE_TIMEOUT).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lookup.close();
  }

  @Override
  public String replicaId() {
    return settings.replicaId();
  }

  @Override
  public boolean isLeader() {
    return !resigned && holdsPartition && lease.isValid();
  }

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public Optional<String> leaderId() {
    if (isLeader()) {
      return Optional.of(settings.replicaId());
    }
    // This replica, named by Kafka while its own lease has run out, does not act: not a leader.
    return lookup.leader().filter(id -> !id.equals(settings.replicaId()));
  }

  @Override
  public Optional<Set<String>> replicas() {
    return lookup.members();
  }

  /** Everything the API, health and metrics report, read at one moment. */
  public LeadershipStatus status() {
    boolean leader = isLeader();
    long now = System.nanoTime();
    OptionalLong alive = lastAlive;
    // A leader is a member even before this thread has read the generation it was given.
    boolean member =
        leader
            || generation > 0
                && alive.isPresent()
                && now - alive.getAsLong() < settings.sessionTimeout().toNanos();
    String why = null;
    if (!member) {
      why =
          generation > 0 && alive.isPresent()
              ? "the group coordinator has accepted no heartbeat for "
                  + seconds(Duration.ofNanos(now - alive.getAsLong()))
                  + " (session timeout "
                  + seconds(settings.sessionTimeout())
                  + "): Kafka unreachable, or this replica stalled"
              : problem;
    }
    return new LeadershipStatus(
        settings.replicaId(),
        leader,
        // From the same reading of the lease as `leader`, so the two never disagree.
        leader
            ? settings.replicaId()
            : lookup.leader().filter(id -> !id.equals(settings.replicaId())).orElse(null),
        leader ? epoch : null,
        since,
        settings.groupId(),
        member,
        why,
        leader ? lease.remaining() : null);
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  /** Records a sign of life the coordinator gave, keeping the latest. */
  private void sawAlive(long at) {
    OptionalLong known = lastAlive;
    if (known.isEmpty() || at - known.getAsLong() > 0) {
      lastAlive = OptionalLong.of(at);
    }
  }

  private boolean stopped() {
    return stopping.getCount() == 0;
  }

  private void run() {
    while (!stopped()) {
      try {
        if (topicExists()) {
          elect();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (stopped()) {
          // close() abandoned the topic check: no problem to report.
          return;
        }
        // Kafka unreachable at start-up, or a consumer failure: not fatal, never leading meanwhile.
        String reason = e instanceof KafkaUnavailableException ? e.getMessage() : e.toString();
        if (!reason.equals(problem)) {
          log.warn(
              "Leader election in group {} cannot proceed, retrying: {}",
              settings.groupId(),
              reason);
        }
        problem = reason;
        stepDown();
        try {
          stopping.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /**
   * Makes sure the election's topic exists, unless the election is closed meanwhile: then false, at
   * once, however long Kafka takes to answer.
   */
  private boolean topicExists() {
    synchronized (topicCheck) {
      if (stopped()) {
        return false;
      }
      checkingTopic = true;
    }
    try {
      topic.ensureExists();
    } finally {
      synchronized (topicCheck) {
        checkingTopic = false;
        // An interrupt from close() was for the check: the consumer's close must not see it.
        Thread.interrupted();
      }
    }
    return !stopped();
  }

  private void elect() throws InterruptedException {
    problem = "joining group " + settings.groupId();
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig);
    consumer = c;
    try {
      HeartbeatWitness witness = new HeartbeatWitness(c.metrics());
      lastCheck = System.nanoTime();
      seenGeneration = -1;
      lastAlive = OptionalLong.empty();
      c.subscribe(List.of(topic.name()), new RebalanceListener(c));
      while (!stopped()) {
        awaitThaw();
        c.poll(POLL_TIMEOUT);
        afterPoll(c, witness);
      }
    } catch (WakeupException e) {
      // close() ends the poll.
    } finally {
      stepDown();
      generation = -1;
      lastAlive = OptionalLong.empty();
      consumer = null;
      GroupMembershipOperation leave =
          leaveOnClose
              ? GroupMembershipOperation.LEAVE_GROUP
              : GroupMembershipOperation.REMAIN_IN_GROUP;
      try {
        c.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(leave));
      } catch (RuntimeException e) {
        log.warn("Closing the leader election's consumer failed: {}", e.toString());
      }
    }
  }

  private void afterPoll(KafkaConsumer<byte[], byte[]> c, HeartbeatWitness witness) {
    long now = System.nanoTime();
    int current = c.groupMetadata().generationId();
    if (current != seenGeneration) {
      // The join that produced this generation was answered after the previous check.
      generationChangedAfter = lastCheck;
      seenGeneration = current;
      if (current > 0) {
        sawAlive(generationChangedAfter);
      }
    }
    OptionalLong heartbeat = witness.check(now);
    heartbeat.ifPresent(this::sawAlive);
    generation = current;
    if (holdsPartition && heartbeat.isPresent()) {
      lease.renew(heartbeat.getAsLong());
    }
    lastCheck = now;
    report();
  }

  /** Tells the listener when what {@link #isLeader()} answers has changed. */
  private void report() {
    boolean leader = isLeader();
    if (leader == reportedLeader) {
      return;
    }
    reportedLeader = leader;
    since = Instant.now();
    if (leader) {
      log.info("Replica {} leads (epoch {})", settings.replicaId(), epoch);
    } else {
      log.info("Replica {} no longer leads (epoch {})", settings.replicaId(), epoch);
    }
    try {
      listener.accept(
          new LeadershipChange(settings.replicaId(), leader, epoch, since, !leader && resigned));
    } catch (RuntimeException e) {
      log.warn("A leadership listener failed", e);
    }
  }

  private void stepDown() {
    holdsPartition = false;
    lease.revoke();
    report();
  }

  /** Runs on the election thread, inside poll. */
  private final class RebalanceListener implements ConsumerRebalanceListener {

    private final KafkaConsumer<byte[], byte[]> c;

    RebalanceListener(KafkaConsumer<byte[], byte[]> c) {
      this.c = c;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.contains(partition)) {
        return;
      }
      int assignedIn = c.groupMetadata().generationId();
      // The SyncGroup that assigned the partition was sent after the join of this generation
      // completed, which happened after the last check that saw an older generation.
      long aliveAt = assignedIn == seenGeneration ? generationChangedAfter : lastCheck;
      epoch = assignedIn;
      holdsPartition = true;
      lease.renew(aliveAt);
      sawAlive(aliveAt);
      report();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.contains(partition)) {
        stepDown();
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (partitions.contains(partition)) {
        stepDown();
      }
    }
  }

  // Test hooks: a stalled replica and a crashed one, inside one JVM.

  /** Blocks the election thread before its next poll (its heartbeat thread runs on), as a stall. */
  void freezeForTesting() {
    frozen = new CountDownLatch(1);
  }

  void thaw() {
    CountDownLatch latch = frozen;
    frozen = null;
    if (latch != null) {
      latch.countDown();
    }
  }

  private void awaitThaw() throws InterruptedException {
    CountDownLatch latch = frozen;
    if (latch != null) {
      latch.await();
    }
  }

  /** Closes without leaving the group, as a crash would: the coordinator waits a session. */
  void crashForTesting() {
    leaveOnClose = false;
    close();
  }
}
