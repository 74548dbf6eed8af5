package io.fraudpipeline.control.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The election in a closing Spring context, next to a bean that acts on the leadership and stops
 * first (as the reconciler does), on the shared real broker.
 */
class LeaderElectionLifecycleTest {

  private static final Duration SESSION = Duration.ofSeconds(6);
  private static final Duration MARGIN = Duration.ofMillis(1500);

  private final String name = "lifecycle-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<LeadershipChange> changes = new CopyOnWriteArrayList<>();
  private final Admin admin = TestKafka.broker().admin();
  private KafkaLeaderElection closing;
  private KafkaLeaderElection other;

  @AfterEach
  void closeAll() {
    for (KafkaLeaderElection election : new KafkaLeaderElection[] {closing, other}) {
      if (election != null) {
        election.close();
      }
    }
    admin.close();
  }

  @Test
  void aReplicaThatBeginsToShutDownLeadsNoMoreWhileItsBeansStopAndTheOtherTakesOver() {
    KafkaLeaderElection election = election("closing");
    closing = election;
    AtomicReference<Boolean> ledWhileStopping = new AtomicReference<>();
    GenericApplicationContext context = new GenericApplicationContext();
    context.registerBean(
        LeaderElectionLifecycle.class, () -> new LeaderElectionLifecycle(election));
    context.registerBean(
        "reconciler",
        SmartLifecycle.class,
        () -> new ActsOnTheLeadership(election, ledWhileStopping));
    context.refresh();
    await().atMost(Duration.ofSeconds(30)).until(election::isLeader);
    other = election("other");
    other.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> other.status().member());

    context.close();

    assertThat(ledWhileStopping.get()).as("led while the reconciler stopped").isFalse();
    await().atMost(SESSION).until(other::isLeader);
    assertThat(changes)
        .filteredOn(c -> c.replicaId().equals(election.replicaId()))
        .extracting(LeadershipChange::leader)
        .containsExactly(true, false);
  }

  /** Stops before the election, watching for a moment whether its replica leads. */
  private static final class ActsOnTheLeadership implements SmartLifecycle {

    private final KafkaLeaderElection election;
    private final AtomicReference<Boolean> ledWhileStopping;
    private volatile boolean running;

    ActsOnTheLeadership(KafkaLeaderElection election, AtomicReference<Boolean> ledWhileStopping) {
      this.election = election;
      this.ledWhileStopping = ledWhileStopping;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      boolean led = false;
      long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
      while (System.nanoTime() < until) {
        led |= election.isLeader();
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
      ledWhileStopping.set(led);
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }

  private KafkaLeaderElection election(String replica) {
    return new KafkaLeaderElection(
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers()),
        admin,
        new ElectionSettings(
            name, name + "-group", name + "-" + replica, SESSION, MARGIN, (short) 1),
        changes::add);
  }
}
