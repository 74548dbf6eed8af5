package io.fraudpipeline.control.leadership;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Starts the election once the context is refreshed (so the {@link LeadershipChange} listeners
 * exist: an event published while beans are still being created would miss them) and leaves the
 * group on shutdown. Its phase is below the default one: it starts before, and stops after, the
 * lifecycle beans that act on the leadership, so a reconciler has stopped before its replica hands
 * over. The replica resigns before any of them stops, when the context begins to close, so that it
 * does not lead again while they stop ({@link KafkaLeaderElection#resign()}).
 */
final class LeaderElectionLifecycle
    implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private final KafkaLeaderElection election;
  private volatile boolean running;
  private ApplicationContext context;

  LeaderElectionLifecycle(KafkaLeaderElection election) {
    this.election = election;
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  /**
   * Published before any lifecycle bean stops; a child context's (if any) is not this one's end.
   */
  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    if (event.getApplicationContext() == context) {
      election.resign();
    }
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
