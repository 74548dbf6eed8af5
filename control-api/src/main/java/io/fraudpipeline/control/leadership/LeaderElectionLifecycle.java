package io.fraudpipeline.control.leadership;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the election once the context is refreshed (so the {@link LeadershipChange} listeners
 * exist: an event published while beans are still being created would miss them) and leaves the
 * group on shutdown. Its phase is below the default one: it starts before, and stops after, the
 * lifecycle beans that act on the leadership, so a reconciler has stopped before its replica hands
 * over.
 */
final class LeaderElectionLifecycle implements SmartLifecycle {

  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private final KafkaLeaderElection election;
  private volatile boolean running;

  LeaderElectionLifecycle(KafkaLeaderElection election) {
    this.election = election;
  }

  @Override
  public void start() {
    election.start();
    running = true;
  }

  @Override
  public void stop() {
    election.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
