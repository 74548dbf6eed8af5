package io.fraudpipeline.control.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.embedded.LocalKafka;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Elections of plain {@link KafkaLeaderElection} objects, each standing for one control-plane
 * replica, on the shared real broker; every test has its own group and topic.
 */
class KafkaLeaderElectionTest {

  /** The broker's smallest session timeout ({@code group.min.session.timeout.ms}). */
  private static final Duration SESSION = Duration.ofSeconds(6);

  private static final Duration MARGIN = Duration.ofMillis(1500);
  private static final Duration HEARTBEAT = SESSION.dividedBy(3);
  private static final Duration VALIDITY = SESSION.minus(MARGIN);

  /** Pause between two samples of who leads: short, without starving the clients' threads. */
  private static final long SAMPLE = Duration.ofMillis(5).toNanos();

  private final String name = "election-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<KafkaLeaderElection> replicas = new ArrayList<>();
  private final List<LeadershipChange> changes = new CopyOnWriteArrayList<>();
  private Admin admin;

  @AfterEach
  void closeAll() {
    replicas.forEach(KafkaLeaderElection::close);
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void exactlyOneOfThreeReplicasLeadsAndEveryReplicaNamesIt() {
    List<KafkaLeaderElection> three = List.of(start("a"), start("b"), start("c"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> three.stream().allMatch(r -> r.status().member()) && leaders(three) == 1);

    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < until) {
      assertThat(leaders(three)).as("leaders at one moment").isEqualTo(1);
      LockSupport.parkNanos(SAMPLE);
    }
    KafkaLeaderElection leader = leader(three);
    await()
        .atMost(HEARTBEAT.multipliedBy(3))
        .untilAsserted(
            () ->
                assertThat(three)
                    .allSatisfy(r -> assertThat(r.leaderId()).contains(leader.replicaId())));
    assertThat(leader.epoch()).isPositive();
  }

  @Test
  void aLeaderThatShutsDownHandsOverWithinARebalanceNotASessionAndTheEpochGrows() {
    List<KafkaLeaderElection> two = List.of(start("a"), start("b"));
    await().atMost(Duration.ofSeconds(30)).until(() -> leaders(two) == 1);
    await().until(() -> two.stream().allMatch(r -> r.status().member()));
    KafkaLeaderElection first = leader(two);
    KafkaLeaderElection second = other(two, first);
    long firstEpoch = first.epoch();

    long closedAt = System.nanoTime();
    first.close();
    await().atMost(SESSION).until(second::isLeader);

    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(SESSION);
    assertThat(second.epoch()).isGreaterThan(firstEpoch);
    assertThat(first.isLeader()).isFalse();
  }

  /**
   * What a replica does when it begins to shut down (see LeaderElectionLifecycle): it stops leading
   * at once and for good, also when its lease runs out and is renewed meanwhile (as after a freeze
   * of the whole process), and hands over when closed.
   */
  @Test
  void aResignedLeaderNeverLeadsAgainAndHandsOverWhenClosed() {
    List<KafkaLeaderElection> two = List.of(start("a"), start("b"));
    await().atMost(Duration.ofSeconds(30)).until(() -> leaders(two) == 1);
    await().until(() -> two.stream().allMatch(r -> r.status().member()));
    KafkaLeaderElection leaving = leader(two);
    KafkaLeaderElection staying = other(two, leaving);
    long epoch = leaving.epoch();

    leaving.resign();
    assertThat(leaving.isLeader()).isFalse();
    // Frozen past its lease, within the session: thawed, it hears of an accepted heartbeat again.
    leaving.freezeForTesting();
    LockSupport.parkNanos(VALIDITY.plusMillis(300).toNanos());
    leaving.thaw();
    long until = System.nanoTime() + HEARTBEAT.multipliedBy(2).toNanos();
    while (System.nanoTime() < until) {
      assertThat(leaving.isLeader()).as("the resigned replica leads").isFalse();
      assertThat(staying.isLeader()).as("another leads before it left").isFalse();
      LockSupport.parkNanos(SAMPLE);
    }
    assertThat(leaving.status().member()).isTrue();

    leaving.close();
    await().atMost(SESSION).until(staying::isLeader);

    assertThat(staying.epoch()).isGreaterThan(epoch);
    assertThat(changes)
        .filteredOn(c -> c.replicaId().equals(leaving.replicaId()))
        .extracting(LeadershipChange::leader, LeadershipChange::resigned)
        .containsExactly(tuple(true, false), tuple(false, true));
  }

  @Test
  void aReplicaJoiningLaterDoesNotTakeTheLeadershipFromALiveLeader() {
    KafkaLeaderElection first = start("a");
    await().atMost(Duration.ofSeconds(30)).until(first::isLeader);
    long epoch = first.epoch();

    KafkaLeaderElection late = start("b");
    await().atMost(Duration.ofSeconds(30)).until(() -> late.status().member());
    long until = System.nanoTime() + HEARTBEAT.toNanos();
    while (System.nanoTime() < until) {
      assertThat(first.isLeader()).isTrue();
      assertThat(late.isLeader()).isFalse();
      LockSupport.parkNanos(SAMPLE);
    }
    assertThat(first.epoch()).isEqualTo(epoch);
    assertThat(changes).filteredOn(c -> c.replicaId().equals(first.replicaId())).hasSize(1);
  }

  @Test
  void aCrashedLeaderIsReplacedAfterItsSessionTimesOut() {
    List<KafkaLeaderElection> two = List.of(start("a"), start("b"));
    await().atMost(Duration.ofSeconds(30)).until(() -> leaders(two) == 1);
    await().until(() -> two.stream().allMatch(r -> r.status().member()));
    KafkaLeaderElection crashed = leader(two);
    KafkaLeaderElection survivor = other(two, crashed);
    long crashedEpoch = crashed.epoch();

    long crashedAt = System.nanoTime();
    crashed.crashForTesting();
    await()
        .atMost(SESSION.plus(HEARTBEAT).plusSeconds(3))
        .pollInterval(Duration.ofMillis(20))
        .until(survivor::isLeader);

    // It did not leave: the coordinator had to wait for the session to run out.
    assertThat(Duration.ofNanos(System.nanoTime() - crashedAt))
        .isGreaterThan(SESSION.minus(HEARTBEAT));
    assertThat(survivor.epoch()).isGreaterThan(crashedEpoch);
  }

  @Test
  void aFrozenLeaderStopsLeadingBeforeAnotherIsElectedAndFollowsOnceThawed() {
    List<KafkaLeaderElection> two = List.of(start("a"), start("b"));
    await().atMost(Duration.ofSeconds(30)).until(() -> leaders(two) == 1);
    await().until(() -> two.stream().allMatch(r -> r.status().member()));
    KafkaLeaderElection frozen = leader(two);
    KafkaLeaderElection other = other(two, frozen);

    long frozenAt = System.nanoTime();
    frozen.freezeForTesting();
    Long stoppedLeading = null;
    long deadline = frozenAt + SESSION.multipliedBy(3).toNanos();
    while (!other.isLeader()) {
      boolean frozenLeads = frozen.isLeader();
      if (!frozenLeads && stoppedLeading == null) {
        stoppedLeading = System.nanoTime();
      }
      assertThat(frozenLeads && other.isLeader()).as("two leaders at once").isFalse();
      assertThat(System.nanoTime()).as("another replica leads in time").isLessThan(deadline);
      LockSupport.parkNanos(SAMPLE);
    }
    long otherLeads = System.nanoTime();

    assertThat(stoppedLeading).as("the frozen replica stopped leading first").isNotNull();
    assertThat(Duration.ofNanos(stoppedLeading - frozenAt))
        .as("the frozen replica stopped within its lease")
        .isLessThanOrEqualTo(VALIDITY.plusMillis(200));
    assertThat(Duration.ofNanos(otherLeads - frozenAt)).isGreaterThan(VALIDITY);
    assertThat(frozen.isLeader()).isFalse();

    frozen.thaw();
    await().atMost(SESSION.multipliedBy(2)).until(() -> frozen.status().member());
    assertThat(frozen.isLeader()).isFalse();
    assertThat(other.isLeader()).isTrue();
  }

  @Test
  void withKafkaUnreachableAReplicaStartsAndNeverLeads() throws IOException {
    String nowhere = "localhost:" + freePort();
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000));
    KafkaLeaderElection lonely =
        new KafkaLeaderElection(
            Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, nowhere),
            admin,
            settings("lonely"),
            changes::add);
    replicas.add(lonely);

    long started = System.nanoTime();
    lonely.start();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                lonely.status().problem() != null && lonely.status().problem().contains("Timeout"));
    assertThat(lonely.isLeader()).isFalse();
    assertThat(lonely.leaderId()).isEmpty();
    assertThat(lonely.status().member()).isFalse();
    assertThat(changes).isEmpty();
  }

  /**
   * A replica must shut down within its grace period (k8s kills it after): with Kafka not
   * answering, close() waited for the election's topic check, up to a session
   * (ControlApiSmokeTest's context took about 8 s to close with Kafka absent).
   */
  @Test
  void aReplicaClosesAtOnceWhileKafkaKeepsItsTopicCheckWaiting() throws Exception {
    String nowhere = "localhost:" + freePort();
    // Kafka's own timeout outlasts the election's wait for it (a session).
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                nowhere,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) SESSION.multipliedBy(2).toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) SESSION.toMillis()));
    CountDownLatch asked = new CountDownLatch(1);
    Admin watched =
        (Admin)
            Proxy.newProxyInstance(
                Admin.class.getClassLoader(),
                new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("listTopics")) {
                    asked.countDown();
                  }
                  try {
                    return method.invoke(admin, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    KafkaLeaderElection leaving =
        new KafkaLeaderElection(
            Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, nowhere),
            watched,
            settings("leaving"),
            changes::add);
    replicas.add(leaving);
    leaving.start();
    assertThat(asked.await(10, TimeUnit.SECONDS)).as("the topic check began").isTrue();

    long closing = System.nanoTime();
    leaving.close();

    assertThat(Duration.ofNanos(System.nanoTime() - closing))
        .as("how long close() took")
        .isLessThan(SESSION.dividedBy(2));
    assertThat(leaving.isLeader()).isFalse();
    assertThat(changes).isEmpty();
    admin.close(Duration.ZERO);
    admin = null;
  }

  /**
   * Probe 7, P7-3: with the broker gone, the consumer kept its generation (it runs no rebalance
   * callback while it cannot reach the coordinator), and the replica called itself a member for as
   * long as Kafka stayed away.
   */
  @Test
  void aReplicaWhoseBrokerIsGoneIsNoLongerAMemberAfterASession() {
    LocalKafka own = LocalKafka.start();
    try {
      admin = own.admin();
      KafkaLeaderElection alone =
          new KafkaLeaderElection(
              Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, own.bootstrapServers()),
              admin,
              settings("alone"),
              changes::add);
      replicas.add(alone);
      alone.start();
      await().atMost(Duration.ofSeconds(30)).until(alone::isLeader);
      assertThat(alone.status().member()).isTrue();
      assertThat(alone.status().problem()).isNull();

      long stoppedAt = System.nanoTime();
      own.close();

      await()
          .atMost(SESSION.plus(HEARTBEAT.multipliedBy(2)))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !alone.status().member());
      assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt))
          .as("still a member while its last heartbeat is within the session")
          .isGreaterThan(SESSION.minus(HEARTBEAT));
      LeadershipStatus status = alone.status();
      assertThat(status.leader()).isFalse();
      assertThat(status.problem()).contains("heartbeat").contains("session timeout");
    } finally {
      replicas.forEach(KafkaLeaderElection::crashForTesting);
      replicas.clear();
      own.close();
    }
  }

  private KafkaLeaderElection start(String replica) {
    if (admin == null) {
      admin = TestKafka.broker().admin();
    }
    KafkaLeaderElection election =
        new KafkaLeaderElection(
            Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.broker().bootstrapServers()),
            admin,
            settings(replica),
            changes::add);
    replicas.add(election);
    election.start();
    return election;
  }

  private ElectionSettings settings(String replica) {
    return new ElectionSettings(
        name, name + "-group", name + "-" + replica, SESSION, MARGIN, (short) 1);
  }

  private static long leaders(List<KafkaLeaderElection> replicas) {
    return replicas.stream().filter(KafkaLeaderElection::isLeader).count();
  }

  private static KafkaLeaderElection leader(List<KafkaLeaderElection> replicas) {
    return replicas.stream().filter(KafkaLeaderElection::isLeader).findFirst().orElseThrow();
  }

  private static KafkaLeaderElection other(List<KafkaLeaderElection> two, KafkaLeaderElection one) {
    return two.get(0) == one ? two.get(1) : two.get(0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
