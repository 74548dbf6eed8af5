package io.fraudpipeline.control.pipeline;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link DesiredStateLog} whose proposals are kept in memory instead of the pipeline topic,
 * folded as the real one folds them: for unit tests of what declares and reads the desired state,
 * and of two replicas' changes racing (see {@link #beforeNextProposal}).
 */
final class InMemoryDesiredStateLog extends DesiredStateLog {

  private final List<Proposal> proposals = new CopyOnWriteArrayList<>();
  private final AtomicReference<Runnable> beforeNext = new AtomicReference<>();

  InMemoryDesiredStateLog() {
    super(null);
  }

  /**
   * Runs {@code other} once, just before the next proposal is appended: another replica's change
   * that lands first, after this one read the version it changes.
   */
  void beforeNextProposal(Runnable other) {
    beforeNext.set(other);
  }

  @Override
  void append(Proposal proposal) {
    Runnable other = beforeNext.getAndSet(null);
    if (other != null) {
      other.run();
    }
    proposals.add(proposal);
  }

  @Override
  Collection<Proposal> proposals() {
    return List.copyOf(proposals);
  }

  @Override
  public void close() {}
}
