package io.fraudpipeline.job.rules;

import java.io.Serializable;

/**
 * Where {@link RuleEvaluationOperator} gets rule sets from. Every subtask follows the feed on its
 * own, so the operator needs no second input and chains to the transactions source.
 */
public interface RuleSetFeed extends Serializable {

  /**
   * Starts delivering every rule set of the feed, the ones published before included, to {@code
   * listener}, on a thread of the feed's own.
   *
   * @param name names the delivering thread, for thread dumps and profiles
   * @return stops the delivery and releases what it holds
   */
  AutoCloseable follow(String name, Listener listener);

  /** Receives a feed's rule sets; called from the feed's thread. */
  interface Listener {

    /** A rule set as published (the JSON of a {@code RuleSet}), not yet validated. */
    void ruleSet(byte[] json);

    /** The feed cannot go on. */
    void failed(Throwable error);
  }

  /** A feed that never delivers anything, for running the operator without a rules topic. */
  RuleSetFeed NONE = (name, listener) -> () -> {};
}
